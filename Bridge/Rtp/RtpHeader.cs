using System.Buffers.Binary;

namespace Bridge.Rtp;

/// <summary>In-place rewriting of RTP header fields when forwarding; the caller guarantees <c>packet</c> already passed <see cref="RtpPacket.TryParse"/>.</summary>
public static class RtpHeader
{
    /// <summary>Replaces the 7-bit payload type and keeps the marker bit.</summary>
    public static void SetPayloadType(Span<byte> packet, byte pt) => packet[1] = (byte)((packet[1] & 0x80) | (pt & 0x7F));

    /// <summary>Sets or clears the marker bit.</summary>
    public static void SetMarker(Span<byte> packet, bool marker) => packet[1] = (byte)((packet[1] & 0x7F) | (marker ? 0x80 : 0));

    /// <summary>Replaces the sequence number.</summary>
    public static void SetSequenceNumber(Span<byte> packet, ushort seq) => BinaryPrimitives.WriteUInt16BigEndian(packet[2..], seq);

    /// <summary>Replaces the timestamp.</summary>
    public static void SetTimestamp(Span<byte> packet, uint ts) => BinaryPrimitives.WriteUInt32BigEndian(packet[4..], ts);

    /// <summary>Replaces the SSRC.</summary>
    public static void SetSsrc(Span<byte> packet, uint ssrc) => BinaryPrimitives.WriteUInt32BigEndian(packet[8..], ssrc);

    /// <summary>Overwrites the transport-wide sequence number of extension <paramref name="id"/>; each outgoing transport numbers its own packets.</summary>
    public static bool TrySetTransportSequenceNumber(Span<byte> packet, int id, ushort sequence)
    {
        if (!TryGetWritableExtension(packet, id, out Span<byte> value) || (value.Length != 2 && value.Length != 4))
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(value, sequence);
        return true;
    }

    /// <summary>Overwrites the 24-bit abs-send-time of extension <paramref name="id"/> with the bridge's own send time.</summary>
    public static bool TrySetAbsSendTime(Span<byte> packet, int id, uint absSendTime24)
    {
        if (!TryGetWritableExtension(packet, id, out Span<byte> value) || value.Length != 3)
        {
            return false;
        }

        value[0] = (byte)(absSendTime24 >> 16);
        value[1] = (byte)(absSendTime24 >> 8);
        value[2] = (byte)absSendTime24;
        return true;
    }

    /// <summary>The writable value of extension element <paramref name="id"/>; parses <paramref name="packet"/> so hostile input just returns false.</summary>
    public static bool TryGetWritableExtension(Span<byte> packet, int id, out Span<byte> value)
    {
        if (RtpPacket.TryParse(packet, out RtpPacket rtp) && rtp.TryFindExtension(id, out int offset, out int length))
        {
            value = packet.Slice(offset, length);
            return true;
        }

        value = default;
        return false;
    }
}
