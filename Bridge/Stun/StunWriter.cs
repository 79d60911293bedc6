using System.Buffers.Binary;
using System.Net;

namespace Bridge.Stun;

/// <summary>
/// Writes the few STUN messages an ICE-lite agent needs (RFC 8445 7.3, RFC 8489) into a caller's buffer without
/// allocating. Bad arguments are programming errors and throw; a buffer of <see cref="MaxMessageLength"/> always fits.
/// </summary>
public static class StunWriter
{
    /// <summary>
    /// Upper bound of anything this writer produces: 576-byte minimum IPv4 reassembly size minus IP and UDP headers,
    /// the size RFC 8489 6.1 asks UDP STUN messages to stay under when the path MTU is unknown.
    /// </summary>
    public const int MaxMessageLength = 548;

    private const int XorMappedAddressHeader = 4;
    private const int ErrorCodeHeader = 4;
    private const int PriorityLength = 4;
    private const int TieBreakerLength = 8;

    /// <summary>
    /// Binding success response (RFC 8445 7.3.1.4): XOR-MAPPED-ADDRESS of the requester, MESSAGE-INTEGRITY keyed with
    /// <paramref name="integrityKey"/> (the bridge's ICE password, UTF-8), FINGERPRINT. Returns bytes written.
    /// </summary>
    public static int WriteBindingSuccess(Span<byte> destination, ReadOnlySpan<byte> transactionId, SocketAddress mappedAddress, ReadOnlySpan<byte> integrityKey)
    {
        ArgumentNullException.ThrowIfNull(mappedAddress);
        Span<byte> ip = stackalloc byte[16];
        int ipLength = SocketAddressReader.Read(mappedAddress, ip, out ushort port);
        if (ipLength == 0)
        {
            throw new ArgumentException("Only IPv4 and IPv6 socket addresses can be mapped.", nameof(mappedAddress));
        }

        int valueLength = XorMappedAddressHeader + ipLength;
        int offset = Begin(destination, StunMessageType.BindingSuccessResponse, transactionId, AttributeSize(valueLength), withIntegrity: true);

        // RFC 8489 14.2: port XOR the cookie's top half, address XOR cookie || transaction id.
        Span<byte> value = AppendAttribute(destination, ref offset, StunAttributeType.XorMappedAddress, valueLength);
        value[0] = 0;
        value[1] = ipLength == 4 ? (byte)0x01 : (byte)0x02;
        BinaryPrimitives.WriteUInt16BigEndian(value[2..], (ushort)(port ^ (StunFormat.MagicCookie >> 16)));
        ReadOnlySpan<byte> mask = destination.Slice(4, 16);
        for (int i = 0; i < ipLength; i++)
        {
            value[XorMappedAddressHeader + i] = (byte)(ip[i] ^ mask[i]);
        }

        return Finish(destination, offset, integrityKey, withIntegrity: true);
    }

    /// <summary>
    /// Binding error response with ERROR-CODE (300-699) and FINGERPRINT, plus MESSAGE-INTEGRITY when
    /// <paramref name="integrityKey"/> is not empty (leave it empty for 400/401, RFC 8489 9.1.3). Returns bytes written.
    /// </summary>
    public static int WriteBindingError(Span<byte> destination, ReadOnlySpan<byte> transactionId, int errorCode, ReadOnlySpan<byte> integrityKey)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(errorCode, 300);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(errorCode, 699);
        bool withIntegrity = !integrityKey.IsEmpty;
        ReadOnlySpan<byte> reason = StunErrorCode.ReasonPhrase(errorCode);
        int valueLength = ErrorCodeHeader + reason.Length;
        int offset = Begin(destination, StunMessageType.BindingErrorResponse, transactionId, AttributeSize(valueLength), withIntegrity);

        // RFC 8489 14.8: 21 reserved bits, 3-bit class (hundreds), 8-bit number (0-99), UTF-8 reason phrase.
        Span<byte> value = AppendAttribute(destination, ref offset, StunAttributeType.ErrorCode, valueLength);
        value[0] = 0;
        value[1] = 0;
        value[2] = (byte)(errorCode / 100);
        value[3] = (byte)(errorCode % 100);
        reason.CopyTo(value[ErrorCodeHeader..]);

        return Finish(destination, offset, integrityKey, withIntegrity);
    }

    /// <summary>
    /// Binding request of a controlling ICE agent (RFC 8445 7.2.2): USERNAME ("remoteUfrag:localUfrag"), PRIORITY,
    /// ICE-CONTROLLING with <paramref name="tieBreaker"/>, USE-CANDIDATE when nominating, MESSAGE-INTEGRITY keyed with
    /// the remote password, FINGERPRINT. Returns bytes written.
    /// </summary>
    public static int WriteBindingRequest(Span<byte> destination, ReadOnlySpan<byte> transactionId, ReadOnlySpan<byte> username, ReadOnlySpan<byte> integrityKey, uint priority, ulong tieBreaker, bool useCandidate)
    {
        int attributes = AttributeSize(username.Length) + AttributeSize(PriorityLength) + AttributeSize(TieBreakerLength)
            + (useCandidate ? AttributeSize(0) : 0);
        int offset = Begin(destination, StunMessageType.BindingRequest, transactionId, attributes, withIntegrity: true);

        username.CopyTo(AppendAttribute(destination, ref offset, StunAttributeType.Username, username.Length));
        BinaryPrimitives.WriteUInt32BigEndian(AppendAttribute(destination, ref offset, StunAttributeType.Priority, PriorityLength), priority);
        BinaryPrimitives.WriteUInt64BigEndian(AppendAttribute(destination, ref offset, StunAttributeType.IceControlling, TieBreakerLength), tieBreaker);
        if (useCandidate)
        {
            AppendAttribute(destination, ref offset, StunAttributeType.UseCandidate, 0);
        }

        return Finish(destination, offset, integrityKey, withIntegrity: true);
    }

    private static int AttributeSize(int valueLength) => StunFormat.AttributeHeaderLength + StunFormat.Padded(valueLength);

    /// <summary>Checks every size up front (so nothing is half-written) and writes the header; returns the body offset.</summary>
    private static int Begin(Span<byte> destination, StunMessageType type, ReadOnlySpan<byte> transactionId, int attributesLength, bool withIntegrity)
    {
        if (transactionId.Length != StunFormat.TransactionIdLength)
        {
            throw new ArgumentException("A STUN transaction id is 12 bytes.", nameof(transactionId));
        }

        int total = StunFormat.HeaderLength + attributesLength
            + (withIntegrity ? StunFormat.IntegrityAttributeLength : 0) + StunFormat.FingerprintAttributeLength;
        if (total > MaxMessageLength)
        {
            throw new ArgumentException($"The message would exceed {MaxMessageLength} bytes.");
        }

        if (destination.Length < total)
        {
            throw new ArgumentException($"The destination needs {total} bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)type);
        StunFormat.SetBodyLength(destination, 0);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], StunFormat.MagicCookie);
        transactionId.CopyTo(destination[8..]);
        return StunFormat.HeaderLength;
    }

    /// <summary>Writes an attribute header and zeroed padding at <paramref name="offset"/>; returns the value area to fill.</summary>
    private static Span<byte> AppendAttribute(Span<byte> destination, ref int offset, ushort type, int valueLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], type);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], (ushort)valueLength);
        int valueOffset = offset + StunFormat.AttributeHeaderLength;
        int padded = StunFormat.Padded(valueLength);
        destination.Slice(valueOffset + valueLength, padded - valueLength).Clear();
        offset = valueOffset + padded;
        return destination.Slice(valueOffset, valueLength);
    }

    /// <summary>
    /// Appends MESSAGE-INTEGRITY (RFC 8489 14.5: HMAC over the message with the length field already counting it)
    /// and FINGERPRINT (14.7: CRC over everything before it, length field counting it); returns the total length.
    /// </summary>
    private static int Finish(Span<byte> destination, int offset, ReadOnlySpan<byte> integrityKey, bool withIntegrity)
    {
        if (withIntegrity)
        {
            int integrityOffset = offset;
            StunFormat.SetBodyLength(destination, integrityOffset + StunFormat.IntegrityAttributeLength - StunFormat.HeaderLength);
            Span<byte> hmac = AppendAttribute(destination, ref offset, StunAttributeType.MessageIntegrity, StunFormat.IntegrityLength);
            StunFormat.ComputeIntegrity(integrityKey, destination[..integrityOffset], hmac);
        }

        int fingerprintOffset = offset;
        StunFormat.SetBodyLength(destination, fingerprintOffset + StunFormat.FingerprintAttributeLength - StunFormat.HeaderLength);
        Span<byte> crc = AppendAttribute(destination, ref offset, StunAttributeType.Fingerprint, 4);
        BinaryPrimitives.WriteUInt32BigEndian(crc, StunFormat.ComputeFingerprint(destination[..fingerprintOffset]));
        return offset;
    }
}
