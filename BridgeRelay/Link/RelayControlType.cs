namespace BridgeRelay.Link;

/// <summary>First byte of a <see cref="RelayKind.Control"/> payload.</summary>
public enum RelayControlType : byte
{
    /// <summary>Liveness probe carrying the sender's timestamp.</summary>
    Keepalive = 1,

    /// <summary>Answer to a keepalive echoing its timestamp, for RTT.</summary>
    KeepaliveAck = 2,

    /// <summary>The full set of sources of the header's conference wanted below this link.</summary>
    Subscribe = 3,

    /// <summary>The full set of sources of the header's conference available above this link.</summary>
    SourceAnnounce = 4,

    /// <summary>Ask the upstream side for a keyframe of one source.</summary>
    KeyframeRequest = 5,

    /// <summary>Ask the upstream side to retransmit RTP sequence numbers of one source.</summary>
    Nack = 6,
}
