using System.Buffers.Binary;

namespace Bridge.Rtp;

/// <summary>In-place rewriting of RTCP fields when translating between publisher and viewer sides; the caller guarantees a parsed packet of the right type.</summary>
public static class RtcpRewriter
{
    /// <summary>Replaces the sender SSRC of an SR (RFC 3550 6.4.1).</summary>
    public static void SetSenderReportSsrc(Span<byte> srPacket, uint ssrc) => SetSenderSsrc(srPacket, ssrc);

    /// <summary>Replaces the RTP timestamp of an SR's sender info.</summary>
    public static void SetSenderReportRtpTimestamp(Span<byte> srPacket, uint ts) => BinaryPrimitives.WriteUInt32BigEndian(srPacket[16..], ts);

    /// <summary>Replaces the first word after the header: the sender SSRC of SR, RR and every RTPFB/PSFB packet.</summary>
    public static void SetSenderSsrc(Span<byte> packet, uint ssrc) => BinaryPrimitives.WriteUInt32BigEndian(packet[4..], ssrc);

    /// <summary>Replaces the "SSRC of media source" of an RTPFB/PSFB packet (RFC 4585 6.1), e.g. a viewer's PLI or NACK aimed at the publisher.</summary>
    public static void SetFeedbackMediaSsrc(Span<byte> packet, uint ssrc) => BinaryPrimitives.WriteUInt32BigEndian(packet[8..], ssrc);
}
