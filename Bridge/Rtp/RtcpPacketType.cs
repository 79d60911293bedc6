namespace Bridge.Rtp;

/// <summary>RTCP packet type numbers (RFC 3550 12.1, RFC 4585 6.1).</summary>
public static class RtcpPacketType
{
    /// <summary>SR (RFC 3550 6.4.1).</summary>
    public const byte SenderReport = 200;

    /// <summary>RR (RFC 3550 6.4.2).</summary>
    public const byte ReceiverReport = 201;

    /// <summary>SDES (RFC 3550 6.5).</summary>
    public const byte SourceDescription = 202;

    /// <summary>BYE (RFC 3550 6.6).</summary>
    public const byte Bye = 203;

    /// <summary>APP (RFC 3550 6.7).</summary>
    public const byte App = 204;

    /// <summary>RTPFB, transport layer feedback (RFC 4585 6.2): generic NACK, transport-wide CC.</summary>
    public const byte TransportFeedback = 205;

    /// <summary>PSFB, payload-specific feedback (RFC 4585 6.3): PLI, FIR, REMB.</summary>
    public const byte PayloadFeedback = 206;
}
