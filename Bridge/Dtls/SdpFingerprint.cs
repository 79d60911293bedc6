using System.Security.Cryptography;

namespace Bridge.Dtls;

/// <summary>
/// The a=fingerprint attribute value (RFC 8122 5): a hash-function token, whitespace, then upper- or lower-case
/// hex pairs joined by colons. Parsing treats the string as hostile: anything malformed yields false.
/// </summary>
internal sealed class SdpFingerprint
{
    private SdpFingerprint(string algorithm, byte[] hash)
    {
        Algorithm = algorithm;
        Hash = hash;
    }

    /// <summary>Lower-case hash function token, e.g. "sha-256".</summary>
    public string Algorithm { get; }

    /// <summary>The certificate digest.</summary>
    public byte[] Hash { get; }

    public static bool TryParse(string? value, out SdpFingerprint fingerprint)
    {
        fingerprint = null!;
        if (value is null)
        {
            return false;
        }

        ReadOnlySpan<char> text = value.AsSpan().Trim();
        int space = text.IndexOfAny(' ', '\t');
        if (space <= 0)
        {
            return false;
        }

        // RFC 8122 5: hash-func is a case-insensitive token. MD2/MD5 are forbidden there; we also refuse SHA-1
        // (browsers announce sha-256) and SHA-224 (no .NET digest).
        string? algorithm = DigestLength(text[..space]) > 0 ? text[..space].ToString().ToLowerInvariant() : null;
        if (algorithm is null)
        {
            return false;
        }

        ReadOnlySpan<char> hex = text[(space + 1)..].TrimStart();
        int length = DigestLength(algorithm);

        // Exactly length pairs and length - 1 colons: "AB:CD".
        if (hex.Length != (length * 3) - 1)
        {
            return false;
        }

        byte[] hash = new byte[length];
        for (int i = 0; i < length; i++)
        {
            int at = i * 3;
            if (i > 0 && hex[at - 1] != ':')
            {
                return false;
            }

            int high = HexValue(hex[at]);
            int low = HexValue(hex[at + 1]);
            if (high < 0 || low < 0)
            {
                return false;
            }

            hash[i] = (byte)((high << 4) | low);
        }

        fingerprint = new SdpFingerprint(algorithm, hash);
        return true;
    }

    /// <summary>Formats a digest the way SDP carries it: upper-case hex pairs joined by colons.</summary>
    public static string Format(ReadOnlySpan<byte> hash)
    {
        if (hash.IsEmpty)
        {
            return string.Empty;
        }

        return string.Create((hash.Length * 3) - 1, hash.ToArray(), static (chars, bytes) =>
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                int at = i * 3;
                if (i > 0)
                {
                    chars[at - 1] = ':';
                }

                chars[at] = "0123456789ABCDEF"[bytes[i] >> 4];
                chars[at + 1] = "0123456789ABCDEF"[bytes[i] & 0xF];
            }
        });
    }

    /// <summary>Whether <paramref name="derCertificate"/> hashes to this fingerprint (constant-time compare).</summary>
    public bool Matches(ReadOnlySpan<byte> derCertificate)
    {
        Span<byte> digest = stackalloc byte[64];
        int written = Algorithm switch
        {
            "sha-256" => SHA256.HashData(derCertificate, digest),
            "sha-384" => SHA384.HashData(derCertificate, digest),
            _ => SHA512.HashData(derCertificate, digest),
        };
        return CryptographicOperations.FixedTimeEquals(digest[..written], Hash);
    }

    private static int DigestLength(ReadOnlySpan<char> algorithm) =>
        algorithm.Equals("sha-256", StringComparison.OrdinalIgnoreCase) ? 32
        : algorithm.Equals("sha-384", StringComparison.OrdinalIgnoreCase) ? 48
        : algorithm.Equals("sha-512", StringComparison.OrdinalIgnoreCase) ? 64
        : 0;

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };
}
