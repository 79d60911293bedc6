using System.Buffers.Binary;

namespace Bridge.Dtls;

/// <summary>
/// Cheap structural check of a datagram before it reaches BouncyCastle (RFC 6347 4.1.2.7: invalid records are
/// silently discarded). Only DTLS 1.0/1.2 plaintext-header records can be meaningful, since we negotiate DTLS 1.2.
/// </summary>
internal static class DtlsRecordFilter
{
    private const int HeaderLength = 13;
    private const byte ChangeCipherSpec = 20;
    private const byte Alert = 21;
    private const byte Handshake = 22;
    private const byte ApplicationData = 23;

    /// <summary>
    /// Epoch-0 records are unauthenticated, yet their sequence number moves the replay window (RFC 6347 4.1.2.6):
    /// one stray record with a huge number would make every genuine handshake record look replayed. A real
    /// handshake, retransmissions included, stays far below this.
    /// </summary>
    private const int MaxEpochZeroSequence = 1024;

    /// <summary>Handshake messages longer than this are not sent by WebRTC peers (certificates are a few hundred bytes).</summary>
    private const int MaxHandshakeMessageLength = 1 << 16;

    /// <summary>
    /// True when the datagram is one or more whole records (RFC 6347 4.1 / 4.3.1) with a known content type
    /// (change_cipher_spec, alert, handshake, application_data), a DTLS 1.0 or 1.2 version and lengths that exactly
    /// fill the datagram, whose unencrypted epoch-0 records have the shape their type requires.
    /// Never throws, never reads outside the span.
    /// </summary>
    public static bool IsPlausible(ReadOnlySpan<byte> datagram)
    {
        if (datagram.IsEmpty)
        {
            return false;
        }

        while (!datagram.IsEmpty)
        {
            if (datagram.Length < HeaderLength)
            {
                return false;
            }

            byte contentType = datagram[0];
            ushort version = BinaryPrimitives.ReadUInt16BigEndian(datagram[1..]);
            ushort epoch = BinaryPrimitives.ReadUInt16BigEndian(datagram[3..]);
            ulong sequence = ((ulong)BinaryPrimitives.ReadUInt16BigEndian(datagram[5..]) << 32)
                | BinaryPrimitives.ReadUInt32BigEndian(datagram[7..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[11..]);

            if (contentType is < ChangeCipherSpec or > ApplicationData
                || version is not (0xFEFF or 0xFEFD)
                || length > datagram.Length - HeaderLength
                || (epoch == 0 && !IsPlausiblePlaintext(contentType, sequence, datagram.Slice(HeaderLength, length))))
            {
                return false;
            }

            datagram = datagram[(HeaderLength + length)..];
        }

        return true;
    }

    /// <summary>
    /// Epoch-0 records are plaintext, so their shape is known. This matters because BouncyCastle acts on them
    /// unauthenticated: a stray change_cipher_spec switches the read epoch early and strands the rest of the
    /// peer's flight, a stray alert can abort the handshake, and any stray record marks its sequence number as
    /// seen in the replay window, so the genuine record with that number would be dropped.
    /// </summary>
    private static bool IsPlausiblePlaintext(byte contentType, ulong sequence, ReadOnlySpan<byte> body) =>
        sequence < MaxEpochZeroSequence
        && contentType switch
        {
            ChangeCipherSpec => body.Length == 1 && body[0] == 1, // RFC 5246 7.1
            Alert => body.Length == 2 && body[0] is 1 or 2,        // RFC 5246 7.2: level warning or fatal
            Handshake => AreHandshakeFragments(body),
            _ => false,                                            // no application data before the handshake ends
        };

    /// <summary>
    /// RFC 6347 4.2.2: one or more fragments, each a 12-byte header (msg_type, length, message_seq, fragment_offset,
    /// fragment_length) and its bytes, the fragment inside the message, exactly filling the record.
    /// Only the message types that travel unencrypted in a DTLS 1.2 handshake are accepted.
    /// </summary>
    private static bool AreHandshakeFragments(ReadOnlySpan<byte> body)
    {
        const int FragmentHeaderLength = 12;
        if (body.IsEmpty)
        {
            return false;
        }

        while (!body.IsEmpty)
        {
            if (body.Length < FragmentHeaderLength)
            {
                return false;
            }

            byte type = body[0];
            int length = ReadUInt24(body[1..]);
            int messageSequence = BinaryPrimitives.ReadUInt16BigEndian(body[4..]);
            int offset = ReadUInt24(body[6..]);
            int fragmentLength = ReadUInt24(body[9..]);

            // client_hello, server_hello, hello_verify_request, new_session_ticket, certificate, server_key_exchange,
            // certificate_request, server_hello_done, certificate_verify, client_key_exchange (RFC 5246 7.4, RFC 6347 4.3.2).
            bool knownType = type is (>= 1 and <= 4) or (>= 11 and <= 16);
            if (!knownType
                || length > MaxHandshakeMessageLength
                || messageSequence >= MaxEpochZeroSequence
                || offset + fragmentLength > length
                || fragmentLength > body.Length - FragmentHeaderLength)
            {
                return false;
            }

            body = body[(FragmentHeaderLength + fragmentLength)..];
        }

        return true;
    }

    private static int ReadUInt24(ReadOnlySpan<byte> bytes) => (bytes[0] << 16) | (bytes[1] << 8) | bytes[2];
}
