using System.Buffers.Binary;

namespace Bridge.Rtp;

/// <summary>View over a full intra request (RFC 5104 4.3.1): PSFB with FMT 4 and 8-byte FCI entries.</summary>
public readonly ref struct FullIntraRequest
{
    /// <summary>Header plus sender and (unused) media SSRC.</summary>
    public const int FixedLength = 12;

    /// <summary>Size of one FCI entry: SSRC, command sequence number, 3 reserved bytes.</summary>
    public const int EntrySize = 8;

    private readonly ReadOnlySpan<byte> _data;

    private FullIntraRequest(ReadOnlySpan<byte> data) => _data = data;

    /// <summary>Accepts a PSFB FMT 4 packet with one or more whole FCI entries (RFC 5104 4.3.1.2).</summary>
    public static bool TryParse(RtcpPacket p, out FullIntraRequest fir)
    {
        bool ok = p.Is(RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.FullIntraRequest, FixedLength + EntrySize)
            && (p.Content.Length - FixedLength) % EntrySize == 0;
        fir = ok ? new FullIntraRequest(p.Content) : default;
        return ok;
    }

    /// <summary>SSRC of the packet sender.</summary>
    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_data[4..]);

    /// <summary>Number of FCI entries.</summary>
    public int EntryCount => (_data.Length - FixedLength) / EntrySize;

    /// <summary>Entry <paramref name="index"/>: the stream asked to send a decoder refresh and the command sequence number.</summary>
    public (uint Ssrc, byte SequenceNumber) GetEntry(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, EntryCount);
        ReadOnlySpan<byte> entry = _data.Slice(FixedLength + (EntrySize * index), EntrySize);
        return (BinaryPrimitives.ReadUInt32BigEndian(entry), entry[4]);
    }
}
