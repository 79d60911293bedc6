namespace BridgeRelay.Link;

/// <summary>Media kind of an announced source.</summary>
public enum RelaySourceKind : byte
{
    /// <summary>Audio.</summary>
    Audio = 0,

    /// <summary>Video.</summary>
    Video = 1,
}

/// <summary>One source of a <see cref="RelayControlType.SourceAnnounce"/>: 11 bytes on the wire.</summary>
/// <param name="SourceId">The publisher's SSRC.</param>
/// <param name="Kind">Audio or video.</param>
/// <param name="Rank">Slot order of the source among its conference's sources.</param>
/// <param name="PayloadType">RTP payload type (0-127) the source's packets carry.</param>
/// <param name="ClockRate">RTP clock rate in Hz (nonzero).</param>
public readonly record struct RelaySourceEntry(uint SourceId, RelaySourceKind Kind, byte Rank, byte PayloadType, uint ClockRate)
{
    /// <summary>Wire size of one entry.</summary>
    public const int Size = 11;

    /// <summary>True when the entry can be written and would be read back: a known kind, a 7-bit payload type and a nonzero clock rate.</summary>
    public bool IsValid => Kind is RelaySourceKind.Audio or RelaySourceKind.Video && PayloadType <= 127 && ClockRate != 0;
}
