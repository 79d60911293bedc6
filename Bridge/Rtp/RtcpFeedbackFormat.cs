namespace Bridge.Rtp;

/// <summary>FMT values carried in the count field of feedback packets (RFC 4585 6.2/6.3, RFC 5104 4.3).</summary>
public static class RtcpFeedbackFormat
{
    /// <summary>Generic NACK, under <see cref="RtcpPacketType.TransportFeedback"/> (RFC 4585 6.2.1).</summary>
    public const int GenericNack = 1;

    /// <summary>Transport-wide congestion control feedback, under <see cref="RtcpPacketType.TransportFeedback"/> (draft-holmer-rmcat-transport-wide-cc-extensions-01 3.1).</summary>
    public const int TransportWideCc = 15;

    /// <summary>Picture loss indication, under <see cref="RtcpPacketType.PayloadFeedback"/> (RFC 4585 6.3.1).</summary>
    public const int PictureLossIndication = 1;

    /// <summary>Full intra request, under <see cref="RtcpPacketType.PayloadFeedback"/> (RFC 5104 4.3.1).</summary>
    public const int FullIntraRequest = 4;

    /// <summary>Application layer feedback such as REMB, under <see cref="RtcpPacketType.PayloadFeedback"/> (RFC 4585 6.4).</summary>
    public const int ApplicationLayer = 15;
}
