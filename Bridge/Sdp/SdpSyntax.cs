using System.Globalization;
using System.Text;

namespace Bridge.Sdp;

/// <summary>Grammar checks shared by the parser and the answer builder (RFC 8866 9, RFC 8839 5.4, RFC 8122 5).</summary>
internal static class SdpSyntax
{
    /// <summary>Longest mid accepted: a one-byte RTP header extension element carries at most 16 bytes (RFC 8285 4.2, RFC 9143 15).</summary>
    public const int MaxMidLength = 16;

    /// <summary>msid-id and msid-appdata are 1*64token-char (RFC 8830 2).</summary>
    public const int MaxMsidIdLength = 64;

    /// <summary>True for a non-empty RFC 8866 token: visible ASCII except the separators space " ( ) , / : ; &lt; = &gt; ? @ [ \ ] { }.</summary>
    public static bool IsToken(ReadOnlySpan<char> value, int maxLength = int.MaxValue)
    {
        if (value.IsEmpty || value.Length > maxLength)
        {
            return false;
        }

        foreach (char c in value)
        {
            bool ok = c == '!' || (c >= '#' && c <= '\'') || c == '*' || c == '+' || c == '-' || c == '.'
                || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= '^' && c <= '~');
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True for ice-char strings (ALPHA / DIGIT / "+" / "/") of the given length range (RFC 8839 5.4).</summary>
    public static bool IsIceChars(ReadOnlySpan<char> value, int minLength, int maxLength)
    {
        if (value.Length < minLength || value.Length > maxLength)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '+' && c != '/')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when the line holds no control character (a lone CR inside a value would let it split the answer's lines).</summary>
    public static bool IsPrintable(ReadOnlySpan<char> line)
    {
        foreach (char c in line)
        {
            if ((c < ' ' && c != '\t') || c == '\u007F')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Parses a decimal integer without sign, spaces or leading '+' within [min, max].</summary>
    public static bool TryParseInt(ReadOnlySpan<char> text, int min, int max, out int value)
    {
        // Bound the length first so "0000…0001" of 60 KB is not walked by the number parser for nothing.
        if (text.IsEmpty || text.Length > 10 || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) || value < min || value > max)
        {
            value = 0;
            return false;
        }

        return true;
    }

    /// <summary>Parses an SSRC: a decimal 32-bit unsigned value (RFC 5576 4.1).</summary>
    public static bool TryParseSsrc(ReadOnlySpan<char> text, out uint value)
    {
        if (text.IsEmpty || text.Length > 10 || !uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            value = 0;
            return false;
        }

        return true;
    }

    /// <summary>Maps a direction attribute name to its value.</summary>
    public static bool TryParseDirection(ReadOnlySpan<char> name, out MediaDirection direction)
    {
        switch (name)
        {
            case "sendrecv": direction = MediaDirection.SendRecv; return true;
            case "sendonly": direction = MediaDirection.SendOnly; return true;
            case "recvonly": direction = MediaDirection.RecvOnly; return true;
            case "inactive": direction = MediaDirection.Inactive; return true;
            default: direction = MediaDirection.SendRecv; return false;
        }
    }

    /// <summary>The attribute name of a direction.</summary>
    public static string DirectionName(MediaDirection direction) => direction switch
    {
        MediaDirection.SendOnly => "sendonly",
        MediaDirection.RecvOnly => "recvonly",
        MediaDirection.Inactive => "inactive",
        _ => "sendrecv",
    };

    /// <summary>
    /// Checks "hash-func fingerprint" (RFC 8122 5) and returns it as "lower-case-func UPPER:HEX".
    /// Only the hash functions of RFC 8122 are known, and the byte count must match the function.
    /// </summary>
    public static bool TryNormalizeFingerprint(ReadOnlySpan<char> value, out string normalized)
    {
        normalized = string.Empty;
        int space = value.IndexOf(' ');
        if (space <= 0)
        {
            return false;
        }

        ReadOnlySpan<char> algorithm = value[..space];
        ReadOnlySpan<char> hex = value[(space + 1)..].Trim(' ');
        int bytes = HashLength(algorithm);

        // Each byte is two hex digits, bytes are joined by single colons.
        if (bytes == 0 || hex.Length != (bytes * 3) - 1)
        {
            return false;
        }

        var builder = new StringBuilder(algorithm.Length + 1 + hex.Length);
        foreach (char c in algorithm)
        {
            builder.Append(char.ToLowerInvariant(c));
        }

        builder.Append(' ');
        for (int i = 0; i < hex.Length; i++)
        {
            char c = hex[i];
            bool ok = i % 3 == 2 ? c == ':' : char.IsAsciiHexDigit(c);
            if (!ok)
            {
                return false;
            }

            builder.Append(char.ToUpperInvariant(c));
        }

        normalized = builder.ToString();
        return true;
    }

    private static int HashLength(ReadOnlySpan<char> algorithm)
    {
        if (algorithm.Equals("sha-1", StringComparison.OrdinalIgnoreCase))
        {
            return 20;
        }

        if (algorithm.Equals("sha-224", StringComparison.OrdinalIgnoreCase))
        {
            return 28;
        }

        if (algorithm.Equals("sha-256", StringComparison.OrdinalIgnoreCase))
        {
            return 32;
        }

        if (algorithm.Equals("sha-384", StringComparison.OrdinalIgnoreCase))
        {
            return 48;
        }

        return algorithm.Equals("sha-512", StringComparison.OrdinalIgnoreCase) ? 64 : 0;
    }
}
