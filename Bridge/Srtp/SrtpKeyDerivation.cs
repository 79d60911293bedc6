using BridgeRelay.Crypto;

namespace Bridge.Srtp;

/// <summary>
/// The SRTP key derivation function (RFC 3711 4.3) with key derivation rate 0: session material for
/// label L is the AES-CM keystream of the master key under IV = (master salt XOR (L || 0^48)) * 2^16.
/// AEAD_AES_128_GCM uses the same AES-CM PRF with its 12-byte master salt (RFC 7714 11).
/// </summary>
internal static class SrtpKeyDerivation
{
    /// <summary>SRTP encryption key label (RFC 3711 4.3.2).</summary>
    public const byte RtpEncryption = 0x00;

    /// <summary>SRTP authentication key label.</summary>
    public const byte RtpAuthentication = 0x01;

    /// <summary>SRTP salt label.</summary>
    public const byte RtpSalt = 0x02;

    /// <summary>SRTCP encryption key label.</summary>
    public const byte RtcpEncryption = 0x03;

    /// <summary>SRTCP authentication key label.</summary>
    public const byte RtcpAuthentication = 0x04;

    /// <summary>SRTCP salt label.</summary>
    public const byte RtcpSalt = 0x05;

    /// <summary>Fills <paramref name="output"/> with the session material for <paramref name="label"/>.</summary>
    /// <param name="prf">AES-CM keyed with the master key.</param>
    /// <param name="masterSalt">14 bytes (AES-CM) or 12 bytes (GCM, zero-padded on the right to 112 bits as libsrtp does).</param>
    public static void Derive(AesCounterMode prf, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        // x = key_id XOR master_salt with key_id = label || r (48-bit index DIV kdr, 0 here), right-aligned
        // in 112 bits, so the label lands on octet 7; x * 2^16 leaves the two counter octets zero.
        Span<byte> iv = stackalloc byte[AesCounterMode.BlockSize];
        iv.Clear();
        masterSalt.CopyTo(iv);
        iv[7] ^= label;
        output.Clear();
        prf.Apply(iv, output);
    }
}
