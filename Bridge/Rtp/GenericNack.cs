using System.Buffers.Binary;

namespace Bridge.Rtp;

/// <summary>View over a generic NACK (RFC 4585 6.2.1): RTPFB with FMT 1 and PID/BLP items.</summary>
public readonly ref struct GenericNack
{
    /// <summary>Header plus sender and media SSRC.</summary>
    public const int FixedLength = 12;

    /// <summary>Size of one PID+BLP item.</summary>
    public const int ItemSize = 4;

    private readonly ReadOnlySpan<byte> _data;

    private GenericNack(ReadOnlySpan<byte> data) => _data = data;

    /// <summary>Accepts an RTPFB FMT 1 packet with one or more whole items.</summary>
    public static bool TryParse(RtcpPacket p, out GenericNack nack)
    {
        bool ok = p.Is(RtcpPacketType.TransportFeedback, RtcpFeedbackFormat.GenericNack, FixedLength + ItemSize)
            && (p.Content.Length - FixedLength) % ItemSize == 0;
        nack = ok ? new GenericNack(p.Content) : default;
        return ok;
    }

    /// <summary>SSRC of the packet sender.</summary>
    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_data[4..]);

    /// <summary>SSRC of the stream with losses.</summary>
    public uint MediaSsrc => BinaryPrimitives.ReadUInt32BigEndian(_data[8..]);

    /// <summary>Number of PID+BLP items.</summary>
    public int ItemCount => (_data.Length - FixedLength) / ItemSize;

    /// <summary>Item <paramref name="index"/>: a lost packet id and a bitmask of the 16 following losses (bit i means Pid+i+1).</summary>
    public (ushort Pid, ushort Blp) GetItem(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ItemCount);
        ReadOnlySpan<byte> item = _data[(FixedLength + (ItemSize * index))..];
        return (BinaryPrimitives.ReadUInt16BigEndian(item), BinaryPrimitives.ReadUInt16BigEndian(item[2..]));
    }

    /// <summary>Enumerates every lost sequence number in packet order, for <c>foreach</c> without a buffer.</summary>
    public LostSequenceNumberEnumerator GetEnumerator() => new(_data[FixedLength..]);

    /// <summary>Writes the lost sequence numbers into <paramref name="destination"/> and returns how many were written (at most 17 per item; stops when full).</summary>
    public int CopyLostSequenceNumbers(Span<ushort> destination)
    {
        int count = 0;
        foreach (ushort seq in this)
        {
            if (count == destination.Length)
            {
                break;
            }

            destination[count++] = seq;
        }

        return count;
    }

    /// <summary>Walks the items: each PID, then the sequence numbers its BLP bits mark.</summary>
    public ref struct LostSequenceNumberEnumerator
    {
        private ReadOnlySpan<byte> _items;
        private ushort _pid;
        private int _blp;
        private int _bit;

        internal LostSequenceNumberEnumerator(ReadOnlySpan<byte> items)
        {
            _items = items;
            _bit = 16;
        }

        /// <summary>The current lost sequence number.</summary>
        public ushort Current { get; private set; }

        /// <summary>Advances to the next lost sequence number.</summary>
        public bool MoveNext()
        {
            while (_bit < 16)
            {
                int bit = _bit++;
                if ((_blp & (1 << bit)) != 0)
                {
                    Current = unchecked((ushort)(_pid + bit + 1));
                    return true;
                }
            }

            if (_items.Length < ItemSize)
            {
                return false;
            }

            _pid = BinaryPrimitives.ReadUInt16BigEndian(_items);
            _blp = BinaryPrimitives.ReadUInt16BigEndian(_items[2..]);
            _items = _items[ItemSize..];
            _bit = 0;
            Current = _pid;
            return true;
        }
    }
}
