using Bridge.Conferences;
using Bridge.Hosting;
using Bridge.Sdp;
using BridgeRelay.Link;
using Microsoft.Extensions.Options;

namespace Bridge.Relay;

/// <summary>
/// What flows over relay links: a parent announces the sources it has per conference; a child
/// subscribes to the ones some receiver below it wants (its own receivers' slots, or its children's
/// subscriptions), so wants propagate up the tree. Called by the relay monitor periodically and by
/// the receive loop right after an announcement or subscription changed something.
/// </summary>
public sealed class RelaySubscriptions
{
    private readonly ConferenceManager _conferences;
    private readonly RelayManager _relays;
    private readonly BridgeOptions _options;
    private readonly Lock _gate = new();
    private readonly byte[] _buffer = new byte[4096];

    /// <summary>Creates the service.</summary>
    public RelaySubscriptions(ConferenceManager conferences, RelayManager relays, IOptions<BridgeOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _conferences = conferences;
        _relays = relays;
        _options = options.Value;
    }

    /// <summary>Sends every parent link a subscription for every local conference.</summary>
    public void SubscribeAll()
    {
        foreach (var link in _relays.Links)
        {
            if (link.SendsUsMedia)
            {
                foreach (var conference in _conferences.Conferences)
                {
                    Subscribe(link, conference);
                }
            }
        }
    }

    /// <summary>Sends every child link the sources of every conference it subscribed to.</summary>
    public void AnnounceAll()
    {
        foreach (var link in _relays.Links)
        {
            if (link.TakesOurMedia)
            {
                foreach (var relayId in link.SubscribedConferences)
                {
                    if (_conferences.FindByRelayId(relayId) is { } conference)
                    {
                        Announce(link, conference);
                    }
                }
            }
        }
    }

    /// <summary>Tells the parent which of its sources this bridge wants for a conference.</summary>
    public void Subscribe(RelayLink parent, Conference conference)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(conference);
        var wanted = new List<uint>();
        foreach (var source in conference.RelayedSources)
        {
            if (source.Upstream == parent && IsWantedHere(conference, source))
            {
                wanted.Add(source.Ssrc);
            }
        }
        lock (_gate)
        {
            var length = RelayControl.WriteSubscribe(_buffer, [.. wanted]);
            if (length > 0)
            {
                parent.Send(RelayKind.Control, 0, 0, conference.RelayId, 0, _buffer.AsSpan(0, length));
            }
        }
    }

    /// <summary>
    /// Tells a child which sources this bridge has for a conference, with their conference-wide ranks;
    /// tells a mesh peer only the sources of this bridge's own publishers, with their local ranks.
    /// </summary>
    public void Announce(RelayLink child, Conference conference)
    {
        ArgumentNullException.ThrowIfNull(child);
        ArgumentNullException.ThrowIfNull(conference);
        var mesh = child.PeerRole == RelayPeerRole.Mesh;
        var entries = new List<RelaySourceEntry>();
        foreach (var endpoint in conference.Endpoints)
        {
            foreach (var source in endpoint.Sources)
            {
                entries.Add(Entry(source, mesh ? source.LocalRank : source.SlotIndex));
            }
        }
        foreach (var source in mesh ? [] : conference.RelayedSources)
        {
            if (source.Upstream != child)
            {
                entries.Add(Entry(source, source.SlotIndex));
            }
        }
        lock (_gate)
        {
            if (entries.Count <= RelayAnnounceParts.EntriesPerPart)
            {
                SendAnnounce(child, conference, entries, tag: 0);
                return;
            }
            // Too big for one datagram on a 1,500-byte path: parts of one round; sources ranked beyond the parts' room are
            // left out (no receiver has that many slots).
            var parts = entries.OrderBy(e => e.Rank).Take(RelayAnnounceParts.MaxParts * RelayAnnounceParts.EntriesPerPart).Chunk(RelayAnnounceParts.EntriesPerPart).ToList();
            var round = child.NextAnnounceRound();
            for (var part = 0; part < parts.Count; part++)
            {
                SendAnnounce(child, conference, parts[part], RelayAnnounceParts.Tag(round, part, parts.Count));
            }
        }
    }

    /// <summary>One SourceAnnounce datagram; <paramref name="tag"/> is 0 for a whole announcement, else the part's (caller holds the gate).</summary>
    private void SendAnnounce(RelayLink child, Conference conference, IReadOnlyCollection<RelaySourceEntry> entries, uint tag)
    {
        var length = RelayControl.WriteSourceAnnounce(_buffer, [.. entries]);
        if (length > 0)
        {
            child.Send(RelayKind.Control, 0, 0, conference.RelayId, tag, _buffer.AsSpan(0, length));
        }
    }

    /// <summary>
    /// Applies a parent's or mesh peer's announcement; true when the set of relayed sources changed.
    /// A parent's ranks are conference-wide already; a mesh peer's are local to it, so the sources of
    /// every core are ranked together again.
    /// </summary>
    public bool ApplyAnnouncement(RelayLink upstream, Conference conference, IReadOnlyList<RelayedSourceInfo> announced)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(conference);
        var changed = conference.SyncRelayedSources(upstream, announced, info => new MediaSource(
            conference, upstream, info.Kind, info.Ssrc, info.PayloadType, info.ClockRate, info.Rank,
            info.Kind == MediaKind.Video ? _options.VideoPacketCacheSize : _options.AudioPacketCacheSize));
        if (changed && upstream.PeerRole == RelayPeerRole.Mesh)
        {
            conference.RankSources();
        }
        return changed;
    }

    // Wanted here: a local receiver has a slot for it, or a child link below subscribed to it.
    private bool IsWantedHere(Conference conference, MediaSource source)
    {
        if (conference.HasLocalReceiverFor(source.Kind, source.SlotIndex))
        {
            return true;
        }
        foreach (var link in _relays.Links)
        {
            if (link.Wants(conference.RelayId, source.Ssrc))
            {
                return true;
            }
        }
        return false;
    }

    private static RelaySourceEntry Entry(MediaSource source, int rank) =>
        new(source.Ssrc, source.Kind == MediaKind.Audio ? RelaySourceKind.Audio : RelaySourceKind.Video, (byte)Math.Min(rank, 255), (byte)source.PayloadType, (uint)source.ClockRate);
}
