using System.Buffers.Binary;

namespace Bridge.Rtp;

/// <summary>View over a BYE packet (RFC 3550 6.6).</summary>
public readonly ref struct ByePacket
{
    private readonly ReadOnlySpan<byte> _data;

    private ByePacket(ReadOnlySpan<byte> data) => _data = data;

    /// <summary>Accepts a BYE whose SC sources and optional length-prefixed reason fit inside the packet.</summary>
    public static bool TryParse(RtcpPacket p, out ByePacket bye)
    {
        bye = default;
        int reasonAt = RtcpPacket.HeaderLength + (4 * p.Count);
        if (!p.Is(RtcpPacketType.Bye, -1, reasonAt))
        {
            return false;
        }

        ReadOnlySpan<byte> content = p.Content;
        if (content.Length > reasonAt && content[reasonAt] > content.Length - reasonAt - 1)
        {
            return false;
        }

        bye = new ByePacket(content);
        return true;
    }

    /// <summary>Number of sources leaving (SC).</summary>
    public int SsrcCount => _data[0] & 0x1F;

    /// <summary>Source <paramref name="index"/> (0-based).</summary>
    public uint GetSsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, SsrcCount);
        return BinaryPrimitives.ReadUInt32BigEndian(_data[(RtcpPacket.HeaderLength + (4 * index))..]);
    }

    /// <summary>The optional reason for leaving (UTF-8), empty when absent.</summary>
    public ReadOnlySpan<byte> Reason
    {
        get
        {
            int at = RtcpPacket.HeaderLength + (4 * SsrcCount);
            return _data.Length > at ? _data.Slice(at + 1, _data[at]) : default;
        }
    }
}
