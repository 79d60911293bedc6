using Bridge.Forwarding;
using Bridge.Sdp;

namespace Bridge.Conferences;

/// <summary>One RTP stream a sender publishes (an audio or a video track), with its NACK cache and keyframe throttle.</summary>
public sealed class MediaSource
{
    /// <summary>Creates a source for an SSRC the publisher announced in SDP.</summary>
    public MediaSource(Endpoint owner, MediaKind kind, uint ssrc, uint? rtxSsrc, int payloadType, int clockRate, int cacheSize)
        : this(owner.Conference, kind, ssrc, rtxSsrc, payloadType, clockRate, cacheSize)
    {
        Owner = owner;
    }

    /// <summary>Creates a source that arrives over a relay link from the parent bridge.</summary>
    public MediaSource(Conference conference, Relay.RelayLink upstream, MediaKind kind, uint ssrc, int payloadType, int clockRate, int rank, int cacheSize)
        : this(conference, kind, ssrc, null, payloadType, clockRate, cacheSize)
    {
        Upstream = upstream;
        LocalRank = rank;
        SlotIndex = rank;
    }

    private MediaSource(Conference conference, MediaKind kind, uint ssrc, uint? rtxSsrc, int payloadType, int clockRate, int cacheSize)
    {
        Conference = conference;
        Kind = kind;
        Ssrc = ssrc;
        RtxSsrc = rtxSsrc;
        PayloadType = payloadType;
        ClockRate = clockRate;
        Cache = new PacketCache(cacheSize);
    }

    /// <summary>The conference it belongs to.</summary>
    public Conference Conference { get; }

    /// <summary>The publishing endpoint on this bridge, or null for a relayed source.</summary>
    public Endpoint? Owner { get; }

    /// <summary>The relay link it arrives over, or null for a local publisher.</summary>
    public Relay.RelayLink? Upstream { get; }

    /// <summary>Audio or video.</summary>
    public MediaKind Kind { get; }

    /// <summary>The publisher's media SSRC.</summary>
    public uint Ssrc { get; }

    /// <summary>The publisher's RTX SSRC, if it announced one (its packets are not forwarded).</summary>
    public uint? RtxSsrc { get; }

    /// <summary>The payload type the publisher uses for the negotiated codec.</summary>
    public int PayloadType { get; }

    /// <summary>RTP clock rate of the codec (48000 for Opus, 90000 for video).</summary>
    public int ClockRate { get; }

    /// <summary>Recent packets of this source, to answer NACKs.</summary>
    public PacketCache Cache { get; }

    /// <summary>Receivers waiting for packets asked for one hop up (relayed sources only).</summary>
    public PendingNacks PendingNacks { get; } = new();

    /// <summary>Receive slot index this source is shown in (its rank among the conference's sources of its kind).</summary>
    public volatile int SlotIndex;

    /// <summary>Rank among the sources of its kind published on its own core bridge (what a mesh peer is told).</summary>
    public volatile int LocalRank;

    /// <summary>Stopwatch timestamp of the last keyframe request sent upstream; owned by the receive loop.</summary>
    public long LastKeyframeRequest;

    /// <summary>Set by any thread when a new receiver needs a keyframe; the receive loop sends the request.</summary>
    public volatile bool KeyframeWanted;

}
