namespace BridgeRelay.Link;

/// <summary>What a relay datagram carries (header byte 1, docs/relay-protocol.md).</summary>
public enum RelayKind : byte
{
    /// <summary>One plain RTP packet of the source named in the header.</summary>
    Rtp = 1,

    /// <summary>One plain RTCP packet (or compound) concerning the source named in the header.</summary>
    Rtcp = 2,

    /// <summary>A link control message (<see cref="RelayControl"/>); the source id is 0.</summary>
    Control = 3,
}
