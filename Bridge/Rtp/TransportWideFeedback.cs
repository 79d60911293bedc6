using System.Buffers.Binary;

namespace Bridge.Rtp;

/// <summary>View over transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 3.1): RTPFB with FMT 15.</summary>
public readonly ref struct TransportWideFeedback
{
    /// <summary>Header, SSRCs, base sequence, status count, reference time and feedback count before the first chunk.</summary>
    public const int FixedLength = 20;

    private readonly ReadOnlySpan<byte> _data;

    private TransportWideFeedback(ReadOnlySpan<byte> data) => _data = data;

    /// <summary>Accepts an RTPFB FMT 15 packet with its fixed fields; chunks and deltas are checked while walking them.</summary>
    public static bool TryParse(RtcpPacket p, out TransportWideFeedback feedback)
    {
        bool ok = p.Is(RtcpPacketType.TransportFeedback, RtcpFeedbackFormat.TransportWideCc, FixedLength);
        feedback = ok ? new TransportWideFeedback(p.Content) : default;
        return ok;
    }

    /// <summary>SSRC of the packet sender.</summary>
    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_data[4..]);

    /// <summary>SSRC of the media source (the draft leaves it to the sender; Chrome puts the first media SSRC).</summary>
    public uint MediaSsrc => BinaryPrimitives.ReadUInt32BigEndian(_data[8..]);

    /// <summary>Transport-wide sequence number of the first packet reported.</summary>
    public ushort BaseSequence => BinaryPrimitives.ReadUInt16BigEndian(_data[12..]);

    /// <summary>Number of consecutive packets reported from <see cref="BaseSequence"/> on.</summary>
    public int PacketStatusCount => BinaryPrimitives.ReadUInt16BigEndian(_data[14..]);

    /// <summary>Signed 24-bit reference time in multiples of 64 ms, the base the first receive delta counts from.</summary>
    public int ReferenceTime => ((_data[16] << 24) | (_data[17] << 16) | (_data[18] << 8)) >> 8;

    /// <summary>Sequence number of this feedback packet, to detect lost feedback.</summary>
    public byte FeedbackPacketCount => _data[19];

    /// <summary>Walks the status chunks and receive deltas of every reported packet.</summary>
    public TransportWideFeedbackEnumerator GetStatuses() => new(_data, BaseSequence, PacketStatusCount);

    /// <summary>Counts the packets reported as received; false when the chunks or deltas overrun the packet.</summary>
    public bool TryCountReceived(out int received)
    {
        received = 0;
        TransportWideFeedbackEnumerator statuses = GetStatuses();
        while (statuses.MoveNext())
        {
            if (statuses.Current.Received)
            {
                received++;
            }
        }

        if (statuses.IsMalformed)
        {
            received = 0;
            return false;
        }

        return true;
    }
}

/// <summary>The fate of one packet in transport-wide feedback.</summary>
/// <param name="SequenceNumber">Transport-wide sequence number.</param>
/// <param name="Received">Whether the packet arrived.</param>
/// <param name="HasDelta">Whether a receive delta was sent for it (symbols 01 and 10).</param>
/// <param name="DeltaTicks">Arrival time minus the previous arrival (or the reference time), in 250 µs units; negative deltas are possible.</param>
public readonly record struct TransportWideFeedbackStatus(ushort SequenceNumber, bool Received, bool HasDelta, int DeltaTicks)
{
    /// <summary>Microseconds per delta tick (draft-holmer-rmcat-transport-wide-cc-extensions-01 3.1.5).</summary>
    public const int MicrosecondsPerTick = 250;

    /// <summary>The receive delta as a time span.</summary>
    public TimeSpan Delta => TimeSpan.FromMicroseconds(DeltaTicks * (long)MicrosecondsPerTick);
}

/// <summary>Decodes status chunks and receive deltas one packet at a time; check <see cref="IsMalformed"/> when <see cref="MoveNext"/> returns false.</summary>
public ref struct TransportWideFeedbackEnumerator
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly ushort _baseSequence;
    private readonly int _statusCount;
    private int _chunkOffset;
    private int _indexInChunk;
    private int _deltaOffset;
    private int _produced;

    internal TransportWideFeedbackEnumerator(ReadOnlySpan<byte> data, ushort baseSequence, int statusCount)
    {
        _data = data;
        _baseSequence = baseSequence;
        _statusCount = statusCount;
        _chunkOffset = TransportWideFeedback.FixedLength;

        // Deltas start right after the last chunk, so the chunks are measured first (3.1: chunks, then deltas).
        int offset = TransportWideFeedback.FixedLength;
        for (int remaining = statusCount; remaining > 0; offset += 2)
        {
            if (offset + 2 > data.Length)
            {
                IsMalformed = true;
                break;
            }

            remaining -= Math.Min(Capacity(BinaryPrimitives.ReadUInt16BigEndian(data[offset..])), remaining);
        }

        _deltaOffset = offset;
    }

    /// <summary>The packet status just decoded.</summary>
    public TransportWideFeedbackStatus Current { get; private set; }

    /// <summary>True when chunks or deltas ran past the end of the packet.</summary>
    public bool IsMalformed { get; private set; }

    /// <summary>Lets <c>foreach</c> use this enumerator directly.</summary>
    public readonly TransportWideFeedbackEnumerator GetEnumerator() => this;

    /// <summary>Decodes the next packet status; false at the end or when malformed.</summary>
    public bool MoveNext()
    {
        if (IsMalformed || _produced == _statusCount)
        {
            return false;
        }

        // The constructor proved the chunks cover every status, so this stays inside them.
        ushort chunk = BinaryPrimitives.ReadUInt16BigEndian(_data[_chunkOffset..]);
        while (_indexInChunk >= Capacity(chunk))
        {
            _chunkOffset += 2;
            _indexInChunk = 0;
            chunk = BinaryPrimitives.ReadUInt16BigEndian(_data[_chunkOffset..]);
        }

        int symbol = Symbol(chunk, _indexInChunk++);
        int delta = 0;
        int deltaSize = symbol is 1 or 2 ? symbol : 0;
        if (deltaSize > _data.Length - _deltaOffset)
        {
            IsMalformed = true;
            return false;
        }

        if (symbol == 1)
        {
            delta = _data[_deltaOffset];
        }
        else if (symbol == 2)
        {
            delta = BinaryPrimitives.ReadInt16BigEndian(_data[_deltaOffset..]);
        }

        _deltaOffset += deltaSize;
        Current = new TransportWideFeedbackStatus(unchecked((ushort)(_baseSequence + _produced)), symbol != 0, deltaSize != 0, delta);
        _produced++;
        return true;
    }

    /// <summary>Statuses one chunk describes: a 13-bit run length, or 14 one-bit / 7 two-bit symbols (3.1.3, 3.1.4).</summary>
    private static int Capacity(ushort chunk) => (chunk & 0x8000) == 0 ? chunk & 0x1FFF : (chunk & 0x4000) == 0 ? 14 : 7;

    /// <summary>Symbol <paramref name="index"/> of a chunk: 00 not received, 01 small delta, 10 large or negative delta, 11 received without delta (the draft's 3.1.4 example; libwebrtc never sends it).</summary>
    private static int Symbol(ushort chunk, int index) =>
        (chunk & 0x8000) == 0 ? (chunk >> 13) & 0x3
        : (chunk & 0x4000) == 0 ? (chunk >> (13 - index)) & 0x1
        : (chunk >> (12 - (2 * index))) & 0x3;
}
