using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Bridge.Stun;

/// <summary>Wire constants and the integrity/fingerprint computations shared by <see cref="StunMessage"/> and <see cref="StunWriter"/>.</summary>
internal static class StunFormat
{
    /// <summary>Fixed header: type, length, magic cookie, 96-bit transaction id (RFC 8489 5).</summary>
    public const int HeaderLength = 20;

    /// <summary>Attribute type + length preceding every value (RFC 8489 14).</summary>
    public const int AttributeHeaderLength = 4;

    public const int TransactionIdLength = 12;

    public const uint MagicCookie = 0x2112A442;

    /// <summary>XORed into the CRC so that FINGERPRINT differs from a CRC other protocols might append (RFC 8489 14.7).</summary>
    public const uint FingerprintXor = 0x5354554E;

    public const int IntegrityLength = 20;

    /// <summary>Whole MESSAGE-INTEGRITY attribute: header + HMAC-SHA1.</summary>
    public const int IntegrityAttributeLength = AttributeHeaderLength + IntegrityLength;

    /// <summary>Whole FINGERPRINT attribute: header + CRC.</summary>
    public const int FingerprintAttributeLength = AttributeHeaderLength + 4;

    /// <summary>
    /// Largest message prefix that integrity verification copies to the stack. ICE checks travel in single
    /// UDP datagrams well under a 1500-byte MTU, so anything larger is not a message we need to authenticate.
    /// </summary>
    public const int MaxIntegrityPrefixLength = 1500;

    /// <summary>Attribute values are padded to a multiple of four bytes (RFC 8489 14).</summary>
    public static int Padded(int length) => (length + 3) & ~3;

    /// <summary>
    /// HMAC-SHA1 for MESSAGE-INTEGRITY (RFC 8489 14.5) over <paramref name="prefix"/>, the message bytes before the
    /// attribute whose header length field already counts up to the end of MESSAGE-INTEGRITY.
    /// </summary>
    [SuppressMessage("Security", "CA5350", Justification = "RFC 8489 14.5 and RFC 8445 7.2.2 mandate HMAC-SHA1 for MESSAGE-INTEGRITY.")]
    public static void ComputeIntegrity(ReadOnlySpan<byte> key, ReadOnlySpan<byte> prefix, Span<byte> hmac)
        => HMACSHA1.HashData(key, prefix, hmac);

    /// <summary>FINGERPRINT value (RFC 8489 14.7) over the message bytes before the attribute.</summary>
    public static uint ComputeFingerprint(ReadOnlySpan<byte> prefix) => Crc32.Compute(prefix) ^ FingerprintXor;

    /// <summary>Writes the 16-bit message length field (RFC 8489 5: length of the body, excluding the header).</summary>
    public static void SetBodyLength(Span<byte> message, int bodyLength)
        => BinaryPrimitives.WriteUInt16BigEndian(message[2..], (ushort)bodyLength);
}
