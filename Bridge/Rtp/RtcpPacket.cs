using System.Buffers.Binary;

namespace Bridge.Rtp;

/// <summary>Zero-copy view over one RTCP packet of a compound (RFC 3550 6.4): the common header and its bounds.</summary>
public readonly ref struct RtcpPacket
{
    /// <summary>Length of the common header (V/P/count, type, length).</summary>
    public const int HeaderLength = 4;

    private readonly ReadOnlySpan<byte> _raw;
    private readonly int _paddingLength;

    private RtcpPacket(ReadOnlySpan<byte> raw, int paddingLength)
    {
        _raw = raw;
        _paddingLength = paddingLength;
    }

    /// <summary>Parses the first RTCP packet in <paramref name="data"/>: version 2, length within bounds, padding count valid.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out RtcpPacket packet)
    {
        packet = default;
        if (data.Length < HeaderLength || data[0] >> 6 != 2)
        {
            return false;
        }

        // RFC 3550 6.4.1: length is in 32-bit words minus one, so it always covers the header.
        int length = 4 * (BinaryPrimitives.ReadUInt16BigEndian(data[2..]) + 1);
        if (length > data.Length)
        {
            return false;
        }

        ReadOnlySpan<byte> raw = data[..length];
        int paddingLength = 0;
        if ((raw[0] & 0x20) != 0)
        {
            // Like RTP, the last octet counts the padding octets including itself.
            paddingLength = raw[^1];
            if (paddingLength == 0 || paddingLength > length - HeaderLength)
            {
                return false;
            }
        }

        packet = new RtcpPacket(raw, paddingLength);
        return true;
    }

    /// <summary>Packet type (see <see cref="RtcpPacketType"/>).</summary>
    public byte PacketType => _raw[1];

    /// <summary>The 5-bit count field: report/source count, or FMT for feedback packets.</summary>
    public int Count => _raw[0] & 0x1F;

    /// <summary>The P bit.</summary>
    public bool Padding => (_raw[0] & 0x20) != 0;

    /// <summary>Total bytes of this packet including header and padding.</summary>
    public int Length => _raw.Length;

    /// <summary>The SSRC in the first word after the header (sender of SR/RR/feedback, first source of SDES/BYE), 0 when absent.</summary>
    public uint SenderSsrc => Content.Length >= 8 ? BinaryPrimitives.ReadUInt32BigEndian(_raw[4..]) : 0;

    /// <summary>The whole packet including padding.</summary>
    public ReadOnlySpan<byte> Raw => _raw;

    /// <summary>The packet without trailing padding: what the typed views read.</summary>
    public ReadOnlySpan<byte> Content => _raw[..^_paddingLength];

    /// <summary>Shared check of the typed views: type, count/FMT (negative for any) and minimum content length.</summary>
    internal bool Is(byte packetType, int count, int minLength) =>
        !_raw.IsEmpty && PacketType == packetType && (count < 0 || Count == count) && Content.Length >= minLength;
}
