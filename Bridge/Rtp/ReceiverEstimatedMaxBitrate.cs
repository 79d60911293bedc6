using System.Buffers.Binary;
using System.Numerics;

namespace Bridge.Rtp;

/// <summary>View over REMB (draft-alvestrand-rmcat-remb-03 2.2): PSFB FMT 15 with the "REMB" identifier.</summary>
public readonly ref struct ReceiverEstimatedMaxBitrate
{
    /// <summary>Header, SSRCs, identifier and the count/exponent/mantissa word.</summary>
    public const int FixedLength = 20;

    /// <summary>The unique identifier "REMB" as a big-endian word.</summary>
    public const uint Identifier = 0x52454D42;

    /// <summary>Largest mantissa: 18 bits.</summary>
    public const uint MaxMantissa = 0x3FFFF;

    private readonly ReadOnlySpan<byte> _data;

    private ReceiverEstimatedMaxBitrate(ReadOnlySpan<byte> data) => _data = data;

    /// <summary>Accepts a PSFB FMT 15 packet with the REMB identifier and all listed SSRCs in bounds.</summary>
    public static bool TryParse(RtcpPacket p, out ReceiverEstimatedMaxBitrate remb)
    {
        remb = default;
        if (!p.Is(RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.ApplicationLayer, FixedLength))
        {
            return false;
        }

        ReadOnlySpan<byte> content = p.Content;
        if (BinaryPrimitives.ReadUInt32BigEndian(content[12..]) != Identifier || content.Length < FixedLength + (4 * content[16]))
        {
            return false;
        }

        remb = new ReceiverEstimatedMaxBitrate(content);
        return true;
    }

    /// <summary>SSRC of the packet sender.</summary>
    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_data[4..]);

    /// <summary>Estimated maximum bitrate in bits per second: mantissa × 2^exponent, saturated at <see cref="ulong.MaxValue"/>.</summary>
    public ulong Bitrate
    {
        get
        {
            int exponent = _data[17] >> 2;
            ulong mantissa = (ulong)(((_data[17] & 0x03) << 16) | (_data[18] << 8) | _data[19]);

            // A 6-bit exponent over an 18-bit mantissa can exceed 64 bits; hostile values saturate instead of wrapping.
            return mantissa != 0 && exponent > BitOperations.LeadingZeroCount(mantissa) ? ulong.MaxValue : mantissa << exponent;
        }
    }

    /// <summary>Number of SSRCs the estimate applies to.</summary>
    public int SsrcCount => _data[16];

    /// <summary>SSRC <paramref name="index"/> (0-based).</summary>
    public uint GetSsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, SsrcCount);
        return BinaryPrimitives.ReadUInt32BigEndian(_data[(FixedLength + (4 * index))..]);
    }
}
