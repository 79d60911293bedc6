using System.Buffers.Binary;

namespace Bridge.Rtp;

/// <summary>One reception report block of an SR or RR (RFC 3550 6.4.1).</summary>
/// <param name="Ssrc">Source this block reports on.</param>
/// <param name="FractionLost">Fraction lost since the last report, in 1/256.</param>
/// <param name="CumulativeLost">Cumulative packets lost, signed 24-bit (negative when duplicates arrive).</param>
/// <param name="ExtendedHighestSequence">Cycle count in the high 16 bits, highest sequence number in the low 16.</param>
/// <param name="Jitter">Interarrival jitter in timestamp units.</param>
/// <param name="LastSenderReport">Middle 32 bits of the NTP timestamp of the last SR received (LSR).</param>
/// <param name="DelaySinceLastSenderReport">Delay since that SR, in 1/65536 s (DLSR).</param>
public readonly record struct ReportBlock(
    uint Ssrc,
    byte FractionLost,
    int CumulativeLost,
    uint ExtendedHighestSequence,
    uint Jitter,
    uint LastSenderReport,
    uint DelaySinceLastSenderReport)
{
    /// <summary>Size of one block on the wire.</summary>
    public const int Size = 24;

    /// <summary>Largest cumulative loss a 24-bit signed field carries.</summary>
    public const int MaxCumulativeLost = 0x7FFFFF;

    /// <summary>Smallest cumulative loss a 24-bit signed field carries.</summary>
    public const int MinCumulativeLost = -0x800000;

    internal static ReportBlock Read(ReadOnlySpan<byte> b) => new(
        BinaryPrimitives.ReadUInt32BigEndian(b),
        b[4],
        ((b[5] << 24) | (b[6] << 16) | (b[7] << 8)) >> 8,
        BinaryPrimitives.ReadUInt32BigEndian(b[8..]),
        BinaryPrimitives.ReadUInt32BigEndian(b[12..]),
        BinaryPrimitives.ReadUInt32BigEndian(b[16..]),
        BinaryPrimitives.ReadUInt32BigEndian(b[20..]));

    /// <summary>Writes the block; cumulative loss is clamped to the 24-bit field as RFC 3550 A.3 asks.</summary>
    internal void Write(Span<byte> b)
    {
        BinaryPrimitives.WriteUInt32BigEndian(b, Ssrc);
        int lost = Math.Clamp(CumulativeLost, MinCumulativeLost, MaxCumulativeLost);
        b[4] = FractionLost;
        b[5] = (byte)(lost >> 16);
        b[6] = (byte)(lost >> 8);
        b[7] = (byte)lost;
        BinaryPrimitives.WriteUInt32BigEndian(b[8..], ExtendedHighestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(b[12..], Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(b[16..], LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(b[20..], DelaySinceLastSenderReport);
    }
}
