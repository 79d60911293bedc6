namespace BridgeRelay.Link;

/// <summary>Why a received relay datagram was dropped; counted per reason in <see cref="RelayLinkCounters"/>.</summary>
public enum RelayDropReason
{
    /// <summary>Too short, not a relay datagram or an unknown kind.</summary>
    Malformed = 1,

    /// <summary>A protocol version this end does not speak.</summary>
    BadVersion = 2,

    /// <summary>The header's link id is not the link the cipher belongs to.</summary>
    WrongLink = 3,

    /// <summary>The AEAD tag did not verify.</summary>
    BadTag = 4,

    /// <summary>Duplicate or older than the replay window.</summary>
    Replayed = 5,

    /// <summary>Hop count above <see cref="RelayHeader.MaxHops"/>.</summary>
    HopLimit = 6,

    /// <summary>No link with the header's link id is configured for the sender's address.</summary>
    UnknownLink = 7,

    /// <summary>The payload would be sent back towards where it came from (a cycle in the tree).</summary>
    Loop = 8,
}
