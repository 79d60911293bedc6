namespace BridgeRelay.Link;

/// <summary>Outcome of <see cref="RelayCipher.Unprotect"/>; every value but Ok equals the <see cref="RelayDropReason"/> of the same name.</summary>
public enum RelayUnprotectResult
{
    /// <summary>Authenticated, fresh and within the hop limit; the payload was decrypted in place.</summary>
    Ok = 0,

    /// <summary>Too short, not a relay datagram or an unknown kind.</summary>
    Malformed = RelayDropReason.Malformed,

    /// <summary>A protocol version this end does not speak.</summary>
    BadVersion = RelayDropReason.BadVersion,

    /// <summary>The header's link id is not this link's.</summary>
    WrongLink = RelayDropReason.WrongLink,

    /// <summary>The AEAD tag did not verify: wrong key, wrong direction or tampering.</summary>
    BadTag = RelayDropReason.BadTag,

    /// <summary>The sequence was already accepted or is older than the replay window.</summary>
    Replayed = RelayDropReason.Replayed,

    /// <summary>The hop count exceeds <see cref="RelayHeader.MaxHops"/>.</summary>
    HopLimit = RelayDropReason.HopLimit,
}
