using System.Buffers.Binary;

namespace Bridge.Rtp;

/// <summary>View over a sender report (RFC 3550 6.4.1).</summary>
public readonly ref struct SenderReport
{
    /// <summary>Header, SSRC and sender info before the report blocks.</summary>
    public const int FixedLength = 28;

    private readonly ReadOnlySpan<byte> _data;

    private SenderReport(ReadOnlySpan<byte> data) => _data = data;

    /// <summary>Accepts an SR whose sender info and RC report blocks fit inside the packet.</summary>
    public static bool TryParse(RtcpPacket p, out SenderReport sr)
    {
        bool ok = p.Is(RtcpPacketType.SenderReport, -1, FixedLength + (ReportBlock.Size * p.Count));
        sr = ok ? new SenderReport(p.Content) : default;
        return ok;
    }

    /// <summary>SSRC of the sender.</summary>
    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_data[4..]);

    /// <summary>64-bit NTP wallclock timestamp.</summary>
    public ulong NtpTimestamp => BinaryPrimitives.ReadUInt64BigEndian(_data[8..]);

    /// <summary>RTP timestamp corresponding to <see cref="NtpTimestamp"/>.</summary>
    public uint RtpTimestamp => BinaryPrimitives.ReadUInt32BigEndian(_data[16..]);

    /// <summary>Sender's packet count.</summary>
    public uint PacketCount => BinaryPrimitives.ReadUInt32BigEndian(_data[20..]);

    /// <summary>Sender's payload octet count.</summary>
    public uint OctetCount => BinaryPrimitives.ReadUInt32BigEndian(_data[24..]);

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
