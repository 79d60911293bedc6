using System.Buffers.Binary;

namespace BridgeRelay.Link;

/// <summary>
/// Writers and readers of link control payloads (the plaintext of a <see cref="RelayKind.Control"/> datagram), layouts in docs/relay-protocol.md.
/// Writers return the bytes written, or 0 when the message does not fit or is invalid; readers demand the exact length and return false otherwise.
/// </summary>
public static class RelayControl
{
    /// <summary>Most source ids, announce entries or NACKed sequence numbers one message may carry.</summary>
    public const int MaxEntries = 256;

    private const int TimestampLength = 1 + sizeof(ulong);
    private const int ListHeaderLength = 1 + sizeof(ushort);
    private const int KeyframeRequestLength = 1 + sizeof(uint);
    private const int NackHeaderLength = 1 + sizeof(uint) + sizeof(ushort);

    /// <summary>The message type in the first byte; false on an empty payload or an unknown type.</summary>
    public static bool TryReadType(ReadOnlySpan<byte> payload, out RelayControlType type)
    {
        type = payload.IsEmpty ? default : (RelayControlType)payload[0];
        return type is >= RelayControlType.Keepalive and <= RelayControlType.Nack;
    }

    /// <summary>Keepalive: type, send timestamp (8).</summary>
    public static int WriteKeepalive(Span<byte> destination, ulong sendTimeTicks) => WriteTimestamp(destination, RelayControlType.Keepalive, sendTimeTicks);

    /// <summary>Reads a keepalive's send timestamp.</summary>
    public static bool TryReadKeepalive(ReadOnlySpan<byte> payload, out ulong sendTimeTicks) => TryReadTimestamp(payload, RelayControlType.Keepalive, out sendTimeTicks);

    /// <summary>Keepalive ack: type, the echoed keepalive timestamp (8).</summary>
    public static int WriteKeepaliveAck(Span<byte> destination, ulong echoedTicks) => WriteTimestamp(destination, RelayControlType.KeepaliveAck, echoedTicks);

    /// <summary>Reads a keepalive ack's echoed timestamp.</summary>
    public static bool TryReadKeepaliveAck(ReadOnlySpan<byte> payload, out ulong echoedTicks) => TryReadTimestamp(payload, RelayControlType.KeepaliveAck, out echoedTicks);

    /// <summary>Subscribe: type, count (2), count × source id (4). The conference is the header's.</summary>
    public static int WriteSubscribe(Span<byte> destination, ReadOnlySpan<uint> sourceIds)
    {
        int length = ListHeaderLength + (sourceIds.Length * sizeof(uint));
        if (sourceIds.Length > MaxEntries || destination.Length < length)
        {
            return 0;
        }

        WriteListHeader(destination, RelayControlType.Subscribe, sourceIds.Length);
        for (int i = 0; i < sourceIds.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[(ListHeaderLength + (i * sizeof(uint)))..], sourceIds[i]);
        }

        return length;
    }

    /// <summary>Reads a subscribe's source ids.</summary>
    public static bool TryReadSubscribe(ReadOnlySpan<byte> payload, out RelaySourceIdList sourceIds)
    {
        bool ok = TryReadList(payload, RelayControlType.Subscribe, sizeof(uint), out ReadOnlySpan<byte> ids);
        sourceIds = new RelaySourceIdList(ids);
        return ok;
    }

    /// <summary>Source announce: type, count (2), count × entry (11). 0 when any entry is invalid (<see cref="RelaySourceEntry.IsValid"/>).</summary>
    public static int WriteSourceAnnounce(Span<byte> destination, ReadOnlySpan<RelaySourceEntry> entries)
    {
        int length = ListHeaderLength + (entries.Length * RelaySourceEntry.Size);
        if (entries.Length > MaxEntries || destination.Length < length)
        {
            return 0;
        }

        foreach (RelaySourceEntry entry in entries)
        {
            if (!entry.IsValid)
            {
                return 0;
            }
        }

        WriteListHeader(destination, RelayControlType.SourceAnnounce, entries.Length);
        for (int i = 0; i < entries.Length; i++)
        {
            RelaySourceAnnouncement.Write(destination[(ListHeaderLength + (i * RelaySourceEntry.Size))..], entries[i]);
        }

        return length;
    }

    /// <summary>Reads a source announce; false when any entry is invalid.</summary>
    public static bool TryReadSourceAnnounce(ReadOnlySpan<byte> payload, out RelaySourceAnnouncement announcement)
    {
        announcement = default;
        if (!TryReadList(payload, RelayControlType.SourceAnnounce, RelaySourceEntry.Size, out ReadOnlySpan<byte> entries))
        {
            return false;
        }

        for (int offset = 0; offset < entries.Length; offset += RelaySourceEntry.Size)
        {
            if (!RelaySourceAnnouncement.Read(entries.Slice(offset, RelaySourceEntry.Size)).IsValid)
            {
                return false;
            }
        }

        announcement = new RelaySourceAnnouncement(entries);
        return true;
    }

    /// <summary>Keyframe request: type, source id (4).</summary>
    public static int WriteKeyframeRequest(Span<byte> destination, uint sourceId)
    {
        if (destination.Length < KeyframeRequestLength)
        {
            return 0;
        }

        destination[0] = (byte)RelayControlType.KeyframeRequest;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], sourceId);
        return KeyframeRequestLength;
    }

    /// <summary>Reads a keyframe request's source id.</summary>
    public static bool TryReadKeyframeRequest(ReadOnlySpan<byte> payload, out uint sourceId)
    {
        bool ok = payload.Length == KeyframeRequestLength && payload[0] == (byte)RelayControlType.KeyframeRequest;
        sourceId = ok ? BinaryPrimitives.ReadUInt32BigEndian(payload[1..]) : 0;
        return ok;
    }

    /// <summary>NACK: type, source id (4), count (2, 1-256), count × RTP sequence number (2).</summary>
    public static int WriteNack(Span<byte> destination, uint sourceId, ReadOnlySpan<ushort> sequenceNumbers)
    {
        int length = NackHeaderLength + (sequenceNumbers.Length * sizeof(ushort));
        if (sequenceNumbers.IsEmpty || sequenceNumbers.Length > MaxEntries || destination.Length < length)
        {
            return 0;
        }

        destination[0] = (byte)RelayControlType.Nack;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], sourceId);
        BinaryPrimitives.WriteUInt16BigEndian(destination[5..], (ushort)sequenceNumbers.Length);
        for (int i = 0; i < sequenceNumbers.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[(NackHeaderLength + (i * sizeof(ushort)))..], sequenceNumbers[i]);
        }

        return length;
    }

    /// <summary>Reads a NACK.</summary>
    public static bool TryReadNack(ReadOnlySpan<byte> payload, out RelayNack nack)
    {
        nack = default;
        if (payload.Length < NackHeaderLength || payload[0] != (byte)RelayControlType.Nack)
        {
            return false;
        }

        int count = BinaryPrimitives.ReadUInt16BigEndian(payload[5..]);
        if (count is 0 or > MaxEntries || payload.Length != NackHeaderLength + (count * sizeof(ushort)))
        {
            return false;
        }

        nack = new RelayNack(BinaryPrimitives.ReadUInt32BigEndian(payload[1..]), payload[NackHeaderLength..]);
        return true;
    }

    private static int WriteTimestamp(Span<byte> destination, RelayControlType type, ulong ticks)
    {
        if (destination.Length < TimestampLength)
        {
            return 0;
        }

        destination[0] = (byte)type;
        BinaryPrimitives.WriteUInt64BigEndian(destination[1..], ticks);
        return TimestampLength;
    }

    private static bool TryReadTimestamp(ReadOnlySpan<byte> payload, RelayControlType type, out ulong ticks)
    {
        bool ok = payload.Length == TimestampLength && payload[0] == (byte)type;
        ticks = ok ? BinaryPrimitives.ReadUInt64BigEndian(payload[1..]) : 0;
        return ok;
    }

    private static void WriteListHeader(Span<byte> destination, RelayControlType type, int count)
    {
        destination[0] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], (ushort)count);
    }

    private static bool TryReadList(ReadOnlySpan<byte> payload, RelayControlType type, int entrySize, out ReadOnlySpan<byte> entries)
    {
        entries = default;
        if (payload.Length < ListHeaderLength || payload[0] != (byte)type)
        {
            return false;
        }

        int count = BinaryPrimitives.ReadUInt16BigEndian(payload[1..]);
        if (count > MaxEntries || payload.Length != ListHeaderLength + (count * entrySize))
        {
            return false;
        }

        entries = payload[ListHeaderLength..];
        return true;
    }
}
