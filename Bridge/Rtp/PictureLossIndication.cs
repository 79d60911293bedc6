using System.Buffers.Binary;

namespace Bridge.Rtp;

/// <summary>View over a picture loss indication (RFC 4585 6.3.1): PSFB with FMT 1 and no FCI.</summary>
public readonly ref struct PictureLossIndication
{
    /// <summary>Header plus sender and media SSRC.</summary>
    public const int Size = 12;

    private readonly ReadOnlySpan<byte> _data;

    private PictureLossIndication(ReadOnlySpan<byte> data) => _data = data;

    /// <summary>Accepts a PSFB FMT 1 packet carrying both SSRCs.</summary>
    public static bool TryParse(RtcpPacket p, out PictureLossIndication pli)
    {
        bool ok = p.Is(RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.PictureLossIndication, Size);
        pli = ok ? new PictureLossIndication(p.Content) : default;
        return ok;
    }

    /// <summary>SSRC of the packet sender.</summary>
    public uint SenderSsrc => BinaryPrimitives.ReadUInt32BigEndian(_data[4..]);

    /// <summary>SSRC of the stream that needs a key frame.</summary>
    public uint MediaSsrc => BinaryPrimitives.ReadUInt32BigEndian(_data[8..]);
}
