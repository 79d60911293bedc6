using System.Buffers.Binary;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Bridge.Stun;

/// <summary>Zero-allocation, validated view over one STUN message in a caller's buffer (RFC 8489 5, 14).</summary>
public readonly ref struct StunMessage
{
    // Attributes start at offset 20, so 0 can mean "absent" and a default instance reports nothing.
    private const int NotPresent = 0;

    private readonly ReadOnlySpan<byte> _raw;

    // Attribute lookups scan [HeaderLength, _lookupEnd). When MESSAGE-INTEGRITY is present the range ends right
    // after it: RFC 8489 14.5 says attributes following it (other than FINGERPRINT) are ignored, and they are
    // not authenticated, so an on-path attacker could otherwise append e.g. USE-CANDIDATE.
    private readonly int _lookupEnd;
    private readonly int _integrityOffset;
    private readonly int _fingerprintOffset;

    private StunMessage(ReadOnlySpan<byte> raw, int lookupEnd, int integrityOffset, int fingerprintOffset)
    {
        _raw = raw;
        _lookupEnd = lookupEnd;
        _integrityOffset = integrityOffset;
        _fingerprintOffset = fingerprintOffset;
    }

    /// <summary>Raw message type (method and class bits); compare with <see cref="StunMessageType"/> values.</summary>
    public ushort MessageType => _raw.Length >= StunFormat.HeaderLength ? BinaryPrimitives.ReadUInt16BigEndian(_raw) : (ushort)0;

    /// <summary>The 12-byte transaction id (RFC 8489 5), empty on a default instance.</summary>
    public ReadOnlySpan<byte> TransactionId
        => _raw.Length >= StunFormat.HeaderLength ? _raw.Slice(8, StunFormat.TransactionIdLength) : default;

    /// <summary>The whole message, header included.</summary>
    public ReadOnlySpan<byte> Raw => _raw;

    /// <summary>USERNAME value as UTF-8 bytes, empty when absent.</summary>
    public ReadOnlySpan<byte> Username => TryGetAttribute(StunAttributeType.Username, out var value) ? value : default;

    /// <summary>Whether USE-CANDIDATE (RFC 8445 7.1.2) is present in the authenticated part.</summary>
    public bool HasUseCandidate => TryGetAttribute(StunAttributeType.UseCandidate, out _);

    /// <summary>Whether the message carries MESSAGE-INTEGRITY.</summary>
    public bool HasMessageIntegrity => _integrityOffset != NotPresent;

    /// <summary>Whether the message ends with FINGERPRINT.</summary>
    public bool HasFingerprint => _fingerprintOffset != NotPresent;

    /// <summary>Cheap demultiplexing test (RFC 7983 7, RFC 8489 5): top two bits zero, magic cookie, body length a multiple of 4 matching the datagram.</summary>
    public static bool IsStun(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < StunFormat.HeaderLength || (datagram[0] & 0xC0) != 0)
        {
            return false;
        }

        int bodyLength = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        return (bodyLength & 3) == 0
            && bodyLength == datagram.Length - StunFormat.HeaderLength
            && BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) == StunFormat.MagicCookie;
    }

    /// <summary>
    /// Validates the header and every attribute TLV (RFC 8489 5, 14): lengths in bounds with padding,
    /// at most one 20-byte MESSAGE-INTEGRITY, a 4-byte FINGERPRINT only as the last attribute. Never throws.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> datagram, out StunMessage message)
    {
        message = default;
        if (!IsStun(datagram))
        {
            return false;
        }

        int integrityOffset = NotPresent;
        int fingerprintOffset = NotPresent;
        int offset = StunFormat.HeaderLength;
        while (offset < datagram.Length)
        {
            if (datagram.Length - offset < StunFormat.AttributeHeaderLength)
            {
                return false;
            }

            ushort type = BinaryPrimitives.ReadUInt16BigEndian(datagram[offset..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[(offset + 2)..]);
            int next = offset + StunFormat.AttributeHeaderLength + StunFormat.Padded(length);
            if (next > datagram.Length)
            {
                return false;
            }

            if (type == StunAttributeType.MessageIntegrity)
            {
                if (integrityOffset != NotPresent || length != StunFormat.IntegrityLength)
                {
                    return false;
                }

                integrityOffset = offset;
            }
            else if (type == StunAttributeType.Fingerprint)
            {
                // RFC 8489 14.7: FINGERPRINT, when present, is the last attribute.
                if (length != 4 || next != datagram.Length)
                {
                    return false;
                }

                fingerprintOffset = offset;
            }

            offset = next;
        }

        int lookupEnd = integrityOffset != NotPresent
            ? integrityOffset + StunFormat.IntegrityAttributeLength
            : fingerprintOffset != NotPresent ? fingerprintOffset : datagram.Length;
        message = new StunMessage(datagram, lookupEnd, integrityOffset, fingerprintOffset);
        return true;
    }

    /// <summary>First occurrence of attribute <paramref name="type"/> (ignoring unauthenticated attributes after MESSAGE-INTEGRITY, RFC 8489 14.5).</summary>
    public bool TryGetAttribute(ushort type, out ReadOnlySpan<byte> value)
    {
        if (type == StunAttributeType.Fingerprint && _fingerprintOffset != NotPresent)
        {
            value = _raw.Slice(_fingerprintOffset + StunFormat.AttributeHeaderLength, 4);
            return true;
        }

        // Bounds were validated by TryParse; the loop stops short on a default instance (_lookupEnd == 0).
        int offset = StunFormat.HeaderLength;
        while (offset < _lookupEnd)
        {
            ushort attributeType = BinaryPrimitives.ReadUInt16BigEndian(_raw[offset..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(_raw[(offset + 2)..]);
            if (attributeType == type)
            {
                value = _raw.Slice(offset + StunFormat.AttributeHeaderLength, length);
                return true;
            }

            offset += StunFormat.AttributeHeaderLength + StunFormat.Padded(length);
        }

        value = default;
        return false;
    }

    /// <summary>PRIORITY (RFC 8445 7.1.1); false when absent or not exactly 4 bytes.</summary>
    public bool TryGetPriority(out uint priority)
    {
        if (TryGetAttribute(StunAttributeType.Priority, out var value) && value.Length == 4)
        {
            priority = BinaryPrimitives.ReadUInt32BigEndian(value);
            return true;
        }

        priority = 0;
        return false;
    }

    /// <summary>Decodes XOR-MAPPED-ADDRESS (RFC 8489 14.2). Allocates the endpoint: for tests and clients, not the bridge path.</summary>
    public bool TryGetXorMappedAddress(out IPEndPoint? endPoint)
    {
        endPoint = null;
        if (!TryGetAttribute(StunAttributeType.XorMappedAddress, out var value) || value.Length < 4)
        {
            return false;
        }

        byte family = value[1];
        int addressLength = family switch { 0x01 => 4, 0x02 => 16, _ => 0 };
        if (addressLength == 0 || value.Length != 4 + addressLength)
        {
            return false;
        }

        // The port is XORed with the top 16 bits of the cookie, the address with cookie || transaction id.
        int port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]) ^ (int)(StunFormat.MagicCookie >> 16);
        Span<byte> address = stackalloc byte[16];
        address = address[..addressLength];
        ReadOnlySpan<byte> mask = _raw.Slice(4, 16);
        for (int i = 0; i < addressLength; i++)
        {
            address[i] = (byte)(value[4 + i] ^ mask[i]);
        }

        endPoint = new IPEndPoint(new IPAddress(address), port);
        return true;
    }

    /// <summary>ERROR-CODE as class * 100 + number (RFC 8489 14.8); false when absent or out of the 300-699 range.</summary>
    public bool TryGetErrorCode(out int code)
    {
        code = 0;
        if (!TryGetAttribute(StunAttributeType.ErrorCode, out var value) || value.Length < 4)
        {
            return false;
        }

        int errorClass = value[2] & 0x07;
        int number = value[3];
        if (errorClass < 3 || errorClass > 6 || number > 99)
        {
            return false;
        }

        code = (errorClass * 100) + number;
        return true;
    }

    /// <summary>Checks FINGERPRINT (RFC 8489 14.7): CRC-32 XOR 0x5354554E over everything before the attribute.</summary>
    public bool VerifyFingerprint()
    {
        if (_fingerprintOffset == NotPresent)
        {
            return false;
        }

        // FINGERPRINT is last, so the header length already counts it as 14.7 requires.
        uint expected = BinaryPrimitives.ReadUInt32BigEndian(_raw[(_fingerprintOffset + StunFormat.AttributeHeaderLength)..]);
        return StunFormat.ComputeFingerprint(_raw[.._fingerprintOffset]) == expected;
    }

    /// <summary>
    /// Checks MESSAGE-INTEGRITY (RFC 8489 14.5) with <paramref name="key"/> (the ICE password as UTF-8 for short-term
    /// credentials) in constant time. False when absent or when the covered prefix exceeds 1500 bytes.
    /// </summary>
    [SkipLocalsInit] // the stack copy is fully overwritten before use; no need to zero 1500 bytes per check
    public bool VerifyMessageIntegrity(ReadOnlySpan<byte> key)
    {
        if (_integrityOffset == NotPresent || _integrityOffset > StunFormat.MaxIntegrityPrefixLength)
        {
            return false;
        }

        // The HMAC covers the message as if it ended with MESSAGE-INTEGRITY: copy the prefix so the length field
        // can be rewritten without touching the caller's (read-only) buffer.
        Span<byte> prefix = stackalloc byte[StunFormat.MaxIntegrityPrefixLength];
        prefix = prefix[.._integrityOffset];
        _raw[.._integrityOffset].CopyTo(prefix);
        StunFormat.SetBodyLength(prefix, _integrityOffset + StunFormat.IntegrityAttributeLength - StunFormat.HeaderLength);

        Span<byte> computed = stackalloc byte[StunFormat.IntegrityLength];
        StunFormat.ComputeIntegrity(key, prefix, computed);
        ReadOnlySpan<byte> received = _raw.Slice(_integrityOffset + StunFormat.AttributeHeaderLength, StunFormat.IntegrityLength);
        return CryptographicOperations.FixedTimeEquals(computed, received);
    }
}
