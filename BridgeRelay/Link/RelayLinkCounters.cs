namespace BridgeRelay.Link;

/// <summary>Traffic and drop counters of one relay link; plain fields written by the link's packet loop and read by metrics.</summary>
public sealed class RelayLinkCounters
{
    /// <summary>Datagrams accepted.</summary>
    public long PacketsIn;

    /// <summary>Bytes of accepted datagrams, header and tag included.</summary>
    public long BytesIn;

    /// <summary>Datagrams sent.</summary>
    public long PacketsOut;

    /// <summary>Bytes of sent datagrams, header and tag included.</summary>
    public long BytesOut;

    /// <summary>Drops: <see cref="RelayDropReason.Malformed"/>.</summary>
    public long DroppedMalformed;

    /// <summary>Drops: <see cref="RelayDropReason.BadVersion"/>.</summary>
    public long DroppedBadVersion;

    /// <summary>Drops: <see cref="RelayDropReason.WrongLink"/>.</summary>
    public long DroppedWrongLink;

    /// <summary>Drops: <see cref="RelayDropReason.BadTag"/>.</summary>
    public long DroppedBadTag;

    /// <summary>Drops: <see cref="RelayDropReason.Replayed"/>.</summary>
    public long DroppedReplayed;

    /// <summary>Drops: <see cref="RelayDropReason.HopLimit"/>.</summary>
    public long DroppedHopLimit;

    /// <summary>Drops: <see cref="RelayDropReason.UnknownLink"/>.</summary>
    public long DroppedUnknownLink;

    /// <summary>Drops: <see cref="RelayDropReason.Loop"/>.</summary>
    public long DroppedLoop;

    /// <summary>All drops.</summary>
    public long Dropped => DroppedMalformed + DroppedBadVersion + DroppedWrongLink + DroppedBadTag + DroppedReplayed + DroppedHopLimit + DroppedUnknownLink + DroppedLoop;

    /// <summary>Counts one drop.</summary>
    public void Drop(RelayDropReason reason) => Slot(reason)++;

    /// <summary>Counts one failed <see cref="RelayCipher.Unprotect"/> under the drop reason of the same name.</summary>
    public void Drop(RelayUnprotectResult result)
    {
        ArgumentOutOfRangeException.ThrowIfEqual(result, RelayUnprotectResult.Ok);
        Drop((RelayDropReason)result);
    }

    /// <summary>Drops counted for <paramref name="reason"/>.</summary>
    public long DroppedBy(RelayDropReason reason) => Slot(reason);

    private ref long Slot(RelayDropReason reason)
    {
        switch (reason)
        {
            case RelayDropReason.Malformed: return ref DroppedMalformed;
            case RelayDropReason.BadVersion: return ref DroppedBadVersion;
            case RelayDropReason.WrongLink: return ref DroppedWrongLink;
            case RelayDropReason.BadTag: return ref DroppedBadTag;
            case RelayDropReason.Replayed: return ref DroppedReplayed;
            case RelayDropReason.HopLimit: return ref DroppedHopLimit;
            case RelayDropReason.UnknownLink: return ref DroppedUnknownLink;
            case RelayDropReason.Loop: return ref DroppedLoop;
            default: throw new ArgumentOutOfRangeException(nameof(reason), reason, "Not a drop reason.");
        }
    }
}
