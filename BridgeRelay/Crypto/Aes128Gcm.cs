using System.Security.Cryptography;

namespace BridgeRelay.Crypto;

/// <summary>
/// One AES-128-GCM key (12-byte nonce, 16-byte tag), in place, for SRTP (RFC 7714) and the relay links: on
/// <see cref="AesGcmIntrinsics"/> where the CPU has AES-NI and PCLMULQDQ, else the platform's <see cref="AesGcm"/>.
/// It lives here, below the bridge, so both packet paths share one cipher.
/// </summary>
internal sealed class Aes128Gcm : IDisposable
{
    /// <summary>Tag length in bytes.</summary>
    public const int TagSize = AesGcmIntrinsics.TagSize;

    private readonly AesGcmIntrinsics? _intrinsics;
    private readonly AesGcm? _platform;

    /// <summary>Takes a 16-byte key; <paramref name="useIntrinsics"/> false forces the platform path (tests, benchmarks).</summary>
    public Aes128Gcm(ReadOnlySpan<byte> key, bool useIntrinsics = true)
    {
        if (key.Length != 16)
        {
            throw new ArgumentException("AES-128 needs a 16-byte key.", nameof(key));
        }
        if (useIntrinsics && AesGcmIntrinsics.IsSupported)
        {
            _intrinsics = new AesGcmIntrinsics(key);
        }
        else
        {
            _platform = new AesGcm(key, TagSize);
        }
    }

    /// <summary>True when the AES-NI path is in use.</summary>
    public bool UsesIntrinsics => _intrinsics is not null;

    /// <summary>Encrypts <paramref name="data"/> in place and writes the tag over <paramref name="aad"/> and the ciphertext.</summary>
    public void Encrypt(ReadOnlySpan<byte> nonce, Span<byte> data, Span<byte> tag, ReadOnlySpan<byte> aad)
    {
        if (_intrinsics is not null)
        {
            _intrinsics.Encrypt(nonce, data, tag, aad);
        }
        else
        {
            _platform!.Encrypt(nonce, data, data, tag, aad);
        }
    }

    /// <summary>
    /// Verifies the tag, then decrypts <paramref name="data"/> in place; false when the tag does not match (the data is
    /// then left as it was on the AES-NI path and zeroed on the platform's: either way the packet is dropped).
    /// </summary>
    public bool Decrypt(ReadOnlySpan<byte> nonce, Span<byte> data, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> aad)
    {
        if (_intrinsics is not null)
        {
            return _intrinsics.Decrypt(nonce, data, tag, aad);
        }
        try
        {
            _platform!.Decrypt(nonce, data, tag, data, aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            // AesGcm has no non-throwing decrypt; a forged packet costs one caught exception there.
            return false;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _intrinsics?.Dispose();
        _platform?.Dispose();
    }
}
