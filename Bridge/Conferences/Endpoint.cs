using System.Net;
using System.Security.Cryptography;
using Bridge.Dtls;
using Bridge.Forwarding;
using Bridge.Sdp;
using Bridge.Srtp;

namespace Bridge.Conferences;

/// <summary>
/// One browser (or simulated browser) in a conference: its ICE credentials, learned address,
/// DTLS session, SRTP contexts, published sources (senders) and receive slots. State diagram on
/// <see cref="EndpointState"/>. The SRTP contexts are used by the receive loop only.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The SRTP contexts may be in use by the receive loop when the endpoint expires; they are left to the GC.")]
public sealed class Endpoint
{
    private readonly Lock _gate = new();
    private volatile EndpointState _state = EndpointState.Created;
    private volatile int _loop;
    private bool _countedOnLoop;

    /// <summary>Creates an endpoint with fresh ICE credentials.</summary>
    public Endpoint(Conference conference, string id, EndpointRole role, long createdAt)
    {
        Conference = conference;
        Id = id;
        Role = role;
        LocalUfrag = RandomIceString(8);
        LocalPassword = RandomIceString(24);
        LocalPasswordBytes = System.Text.Encoding.ASCII.GetBytes(LocalPassword);
        RtcpSsrc = RandomSsrc();
        CreatedAt = createdAt;
    }

    /// <summary><see cref="Order"/> of an endpoint created without one: after every ordered one, in creation order.</summary>
    public const long Unordered = long.MaxValue;

    /// <summary>
    /// The publisher's place on signaling's stage (its join order there): sources rank by it, then by creation, so the n-th
    /// slot carries the n-th participant of the stage even when endpoints are created out of turn or re-created after a move.
    /// </summary>
    public long Order { get; init; } = Unordered;

    /// <summary>The conference it belongs to.</summary>
    public Conference Conference { get; }

    /// <summary>Id unique within the conference, chosen by the caller of the control API.</summary>
    public string Id { get; }

    /// <summary>Sender or receive-only.</summary>
    public EndpointRole Role { get; }

    /// <summary>The bridge's ICE username fragment for this endpoint.</summary>
    public string LocalUfrag { get; }

    /// <summary>The bridge's ICE password for this endpoint.</summary>
    public string LocalPassword { get; }

    /// <summary>The ICE password as the STUN MESSAGE-INTEGRITY key.</summary>
    public byte[] LocalPasswordBytes { get; }

    /// <summary>SSRC the bridge uses as RTCP sender towards this endpoint.</summary>
    public uint RtcpSsrc { get; }

    /// <summary>Stopwatch timestamp of creation.</summary>
    public long CreatedAt { get; }

    /// <summary>Where it is in its life.</summary>
    public EndpointState State => _state;

    /// <summary>The negotiated SDP, once the remote description is set.</summary>
    public SdpAnswer? Negotiated { get; private set; }

    /// <summary>
    /// The media loop that owns this endpoint: the one whose socket its address hashes to. Only that loop uses its
    /// SRTP contexts and slots; it changes on that loop's thread (or before the first address is bound).
    /// </summary>
    public int LoopIndex => _loop;

    /// <summary>Remote address learned from the first valid ICE check (replaced on re-nomination).</summary>
    public volatile SocketAddress? RemoteAddress;

    /// <summary>Stopwatch timestamp of the last valid ICE check (consent freshness, RFC 7675).</summary>
    public long LastConsent;

    /// <summary>The DTLS association, once the remote description is set.</summary>
    public DtlsSession? Dtls { get; private set; }

    /// <summary>Unprotects what the endpoint sends; set when DTLS completes.</summary>
    public volatile SrtpContext? Inbound;

    /// <summary>Protects what the bridge sends to the endpoint; set when DTLS completes.</summary>
    public volatile SrtpContext? Outbound;

    /// <summary>The SRTP profile DTLS negotiated, once secure.</summary>
    public SrtpProfile? Profile { get; private set; }

    /// <summary>Sources this endpoint publishes (senders only).</summary>
    public IReadOnlyList<MediaSource> Sources { get; private set; } = [];

    /// <summary>Audio receive slots, in slot order.</summary>
    public IReadOnlyList<ReceiverSlot> AudioSlots { get; private set; } = [];

    /// <summary>Video receive slots, in slot order.</summary>
    public IReadOnlyList<ReceiverSlot> VideoSlots { get; private set; } = [];

    /// <summary>RTP packets received from it that were dropped because it may not publish.</summary>
    public long DroppedMedia;

    /// <summary>Fraction lost the endpoint last reported in a receiver report (0..1), for stats.</summary>
    public double LastReportedLoss;

    /// <summary>Round-trip time measured from the SRs sent to it and the receiver reports naming them, for stats.</summary>
    public Metrics.RoundTripTimer RoundTrip { get; } = new();

    /// <summary>
    /// Gives the endpoint to media loop <paramref name="loop"/>: before its first address is bound, or on the old
    /// owner's thread when ICE moved it (so no two loops use its SRTP contexts at once).
    /// </summary>
    public void AssignLoop(int loop)
    {
        lock (_gate)
        {
            var counted = _state != EndpointState.Expired;
            Conference.CountOnLoop(_countedOnLoop ? _loop : -1, counted ? loop : -1);
            _countedOnLoop = counted;
            _loop = loop;
        }
    }

    /// <summary>Moves to a new state unless already expired; returns false when it was expired.</summary>
    public bool TryTransition(EndpointState next)
    {
        lock (_gate)
        {
            if (_state == EndpointState.Expired)
            {
                return false;
            }
            _state = next;
            if (next == EndpointState.Expired && _countedOnLoop)
            {
                Conference.CountOnLoop(_loop, -1);
                _countedOnLoop = false;
            }
            return true;
        }
    }

    /// <summary>Records the negotiated description, sources, slots and DTLS session.</summary>
    public void SetNegotiated(SdpAnswer answer, IReadOnlyList<MediaSource> sources, IReadOnlyList<ReceiverSlot> audioSlots, IReadOnlyList<ReceiverSlot> videoSlots, DtlsSession dtls)
    {
        Negotiated = answer;
        Sources = sources;
        AudioSlots = audioSlots;
        VideoSlots = videoSlots;
        Dtls = dtls;
    }

    /// <summary>Installs the SRTP contexts from the DTLS keys; after this the endpoint is secure.</summary>
    public void SetKeys(DtlsSrtpKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Profile = keys.Profile;
        Inbound = new SrtpContext(keys.Profile, keys.RemoteMasterKey, keys.RemoteMasterSalt);
        Outbound = new SrtpContext(keys.Profile, keys.LocalMasterKey, keys.LocalMasterSalt);
    }

    /// <summary>The source with this SSRC, or null (a short linear scan: a sender has a handful).</summary>
    public MediaSource? FindSource(uint ssrc)
    {
        var sources = Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i].Ssrc == ssrc)
            {
                return sources[i];
            }
        }
        return null;
    }

    /// <summary>The receive slot with this SSRC, or null.</summary>
    public ReceiverSlot? FindSlot(uint ssrc)
    {
        foreach (var slots in (ReadOnlySpan<IReadOnlyList<ReceiverSlot>>)[AudioSlots, VideoSlots])
        {
            for (var i = 0; i < slots.Count; i++)
            {
                if (slots[i].Ssrc == ssrc)
                {
                    return slots[i];
                }
            }
        }
        return null;
    }

    /// <summary>
    /// The slot that shows the source of <paramref name="kind"/> ranked <paramref name="rank"/> in the
    /// conference, or null. A publisher does not see itself: its own sources are left out of the ranking
    /// it sees, so with one video slot two participants each see the other.
    /// </summary>
    public ReceiverSlot? SlotFor(MediaKind kind, int rank)
    {
        var slots = kind == MediaKind.Audio ? AudioSlots : VideoSlots;
        if (slots.Count == 0)
        {
            return null;
        }
        var sources = Sources;
        var index = rank;
        for (var i = 0; i < sources.Count; i++)
        {
            var own = sources[i];
            if (own.Kind == kind && own.SlotIndex <= rank)
            {
                if (own.SlotIndex == rank)
                {
                    return null;
                }
                index--;
            }
        }
        return (uint)index < (uint)slots.Count ? slots[index] : null;
    }

    /// <summary>The slot showing <paramref name="source"/>, or null when this endpoint does not receive it.</summary>
    public ReceiverSlot? SlotFor(MediaSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Owner == this ? null : SlotFor(source.Kind, source.SlotIndex);
    }

    /// <summary>A random non-zero SSRC.</summary>
    public static uint RandomSsrc()
    {
        uint value;
        do
        {
            value = (uint)RandomNumberGenerator.GetInt32(int.MinValue, int.MaxValue);
        }
        while (value == 0);
        return value;
    }

    // ICE ufrag/pwd characters are ice-char (RFC 8839 5.4): ALPHA / DIGIT / "+" / "/".
    private static string RandomIceString(int length) =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", length);
}
