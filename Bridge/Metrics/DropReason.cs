namespace Bridge.Metrics;

/// <summary>Why the bridge dropped an incoming datagram; the label of bridge_dropped_packets_total.</summary>
public enum DropReason
{
    /// <summary>First byte outside the STUN, DTLS and RTP/RTCP ranges of RFC 7983.</summary>
    UnknownProtocol,
    /// <summary>DTLS, RTP or RTCP from an address no ICE check has bound to an endpoint.</summary>
    UnknownSender,
    /// <summary>STUN that does not parse, is not a Binding request, or fails FINGERPRINT.</summary>
    StunMalformed,
    /// <summary>STUN whose USERNAME names no endpoint.</summary>
    StunUnknownUser,
    /// <summary>STUN whose MESSAGE-INTEGRITY does not verify.</summary>
    StunBadIntegrity,
    /// <summary>ICE check from a non-loopback source while the bridge runs loopback-only.</summary>
    StunNotLoopback,
    /// <summary>DTLS record arriving when the endpoint's handshake queue is full or the session is gone.</summary>
    DtlsRejected,
    /// <summary>SRTP or SRTCP before the endpoint finished DTLS.</summary>
    NotReady,
    /// <summary>RTP or RTCP whose header does not parse.</summary>
    RtpMalformed,
    /// <summary>SRTP or SRTCP whose authentication tag fails.</summary>
    SrtpAuthFailed,
    /// <summary>SRTP or SRTCP index already seen or older than the replay window.</summary>
    SrtpReplayed,
    /// <summary>SRTP the context refused for another reason (too short, too many SSRCs).</summary>
    SrtpOther,
    /// <summary>RTP from a receive-only endpoint (a visitor may not publish).</summary>
    ReceiverMedia,
    /// <summary>RTP whose SSRC the endpoint did not announce in its SDP.</summary>
    UnknownSsrc,
    /// <summary>Datagram larger than the bridge forwards.</summary>
    Oversized,
    /// <summary>Relay datagram from an address no relay link is configured for.</summary>
    RelayUnknownLink,
    /// <summary>Relay datagram the link refused (bad tag, replay, hop limit, malformed); the link's own counters say why.</summary>
    RelayRejected,
    /// <summary>Relay media that would loop: from a link that is not our parent, or for a source this bridge does not expect from it.</summary>
    RelayLoop,
    /// <summary>SRTP or SRTCP that reached a media loop while its endpoint was being handed to another loop (ICE moved it).</summary>
    LoopHandover,
    /// <summary>A packet another media loop should fan out, dropped because that loop's hand-off ring was full (the loop is overloaded).</summary>
    HandOffOverflow,
}
