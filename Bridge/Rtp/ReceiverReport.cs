using System.Buffers.Binary;

namespace Bridge.Rtp;

/// <summary>View over a receiver report (RFC 3550 6.4.2).</summary>
public readonly ref struct ReceiverReport
{
    /// <summary>Header and SSRC before the report blocks.</summary>
    public const int FixedLength = 8;

    private readonly ReadOnlySpan<byte> _data;

    private ReceiverReport(ReadOnlySpan<byte> data) => _data = data;

    /// <summary>Accepts an RR whose RC report blocks fit inside the packet.</summary>
    public static bool TryParse(RtcpPacket p, out ReceiverReport rr)
    {
        bool ok = p.Is(RtcpPacketType.ReceiverReport, -1, FixedLength + (ReportBlock.Size * p.Count));
        rr = ok ? new ReceiverReport(p.Content) : default;
        return ok;
    }

    /// <summary>SSRC of the packet sender.</summary>
    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_data[4..]);

    /// <summary>Number of report blocks (RC).</summary>
    public int ReportCount => _data[0] & 0x1F;

    /// <summary>Report block <paramref name="index"/> (0-based).</summary>
    public ReportBlock GetReport(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ReportCount);
        return ReportBlock.Read(_data[(FixedLength + (ReportBlock.Size * index))..]);
    }
}
