using Bridge.Sdp;

namespace Bridge.Conferences;

/// <summary>
/// A conference: its endpoints and the sources they publish. Changes (API threads) take a lock and
/// publish new immutable arrays; the receive loop reads the arrays without locking.
/// </summary>
public sealed class Conference
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Endpoint> _byId = new(StringComparer.Ordinal);
    private volatile Endpoint[] _endpoints = [];
    private volatile MediaSource[] _relayed = [];
    // Bound endpoints per media loop: a loop with none is not handed this conference's packets.
    private readonly int[] _onLoop = new int[MaxLoops];

    /// <summary>Most media loops a bridge runs (the per-loop tally's size).</summary>
    public const int MaxLoops = 64;

    /// <summary>Endpoints owned by media loop <paramref name="loop"/> (a hint for hand-offs; exact once they settle).</summary>
    public int EndpointsOnLoop(int loop) => Volatile.Read(ref _onLoop[loop]);

    /// <summary>Moves one endpoint's count between loops (-1 for none); called under the endpoint's lock.</summary>
    internal void CountOnLoop(int from, int to)
    {
        if (from >= 0)
        {
            Interlocked.Decrement(ref _onLoop[from]);
        }
        if (to >= 0)
        {
            Interlocked.Increment(ref _onLoop[to]);
        }
    }

    /// <summary>Creates an empty conference.</summary>
    public Conference(string id)
    {
        Id = id;
        RelayId = BridgeRelay.Link.RelayHeader.ConferenceIdOf(id);
    }

    /// <summary>Id chosen by the caller of the control API.</summary>
    public string Id { get; }

    /// <summary>The 32-bit id relay links carry for this conference (a hash of <see cref="Id"/>).</summary>
    public uint RelayId { get; }

    /// <summary>Sources that arrive over a relay link from the parent bridge, as an immutable snapshot.</summary>
    public MediaSource[] RelayedSources => _relayed;

    /// <summary>True when some local endpoint has a receive slot for a source of this kind and rank.</summary>
    public bool HasLocalReceiverFor(MediaKind kind, int rank)
    {
        foreach (var endpoint in _endpoints)
        {
            if (endpoint.State == EndpointState.Secure && endpoint.SlotFor(kind, rank) is not null)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Makes the relayed sources from <paramref name="link"/> match what the parent announced: new
    /// ones are created with <paramref name="create"/>, changed ranks updated, vanished ones removed.
    /// Returns true when anything changed.
    /// </summary>
    public bool SyncRelayedSources(Relay.RelayLink link, IReadOnlyList<RelayedSourceInfo> announced, Func<RelayedSourceInfo, MediaSource> create)
    {
        ArgumentNullException.ThrowIfNull(announced);
        ArgumentNullException.ThrowIfNull(create);
        lock (_gate)
        {
            var next = new List<MediaSource>(_relayed.Length + announced.Count);
            var changed = false;
            foreach (var existing in _relayed)
            {
                if (existing.Upstream != link)
                {
                    next.Add(existing);
                    continue;
                }
                var index = IndexOf(announced, existing.Ssrc, existing.Kind, existing.PayloadType);
                if (index < 0)
                {
                    changed = true;
                    continue;
                }
                if (existing.LocalRank != announced[index].Rank)
                {
                    existing.LocalRank = announced[index].Rank;
                    existing.SlotIndex = announced[index].Rank;
                    changed = true;
                }
                next.Add(existing);
            }
            foreach (var info in announced)
            {
                if (!next.Any(s => s.Ssrc == info.Ssrc))
                {
                    next.Add(create(info));
                    changed = true;
                }
            }
            if (changed)
            {
                _relayed = [.. next];
            }
            return changed;
        }
    }

    private static int IndexOf(IReadOnlyList<RelayedSourceInfo> announced, uint ssrc, MediaKind kind, int payloadType)
    {
        for (var i = 0; i < announced.Count; i++)
        {
            if (announced[i].Ssrc == ssrc && announced[i].Kind == kind && announced[i].PayloadType == payloadType)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Drops every relayed source that came over <paramref name="link"/> (link removed or re-parented).</summary>
    public void RemoveRelayedSources(Relay.RelayLink link)
    {
        lock (_gate)
        {
            _relayed = [.. _relayed.Where(s => s.Upstream != link)];
        }
    }

    /// <summary>Every endpoint, as an immutable snapshot.</summary>
    public Endpoint[] Endpoints => _endpoints;

    /// <summary>The endpoint with this id, or null.</summary>
    public Endpoint? Find(string id)
    {
        lock (_gate)
        {
            return _byId.GetValueOrDefault(id);
        }
    }

    /// <summary>Adds an endpoint; false when the id is taken.</summary>
    public bool TryAdd(Endpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        lock (_gate)
        {
            if (!_byId.TryAdd(endpoint.Id, endpoint))
            {
                return false;
            }
            // Kept in (Order, creation) order, which is the order sources rank in.
            var at = Array.FindLastIndex(_endpoints, e => e.Order <= endpoint.Order) + 1;
            _endpoints = [.. _endpoints.AsSpan(0, at), endpoint, .. _endpoints.AsSpan(at)];
            return true;
        }
    }

    /// <summary>Removes an endpoint and re-ranks the remaining sources into slots.</summary>
    public bool Remove(Endpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        lock (_gate)
        {
            if (!_byId.Remove(endpoint.Id))
            {
                return false;
            }
            _endpoints = [.. _endpoints.Where(e => e != endpoint)];
            RankSources();
            return true;
        }
    }

    /// <summary>
    /// Gives every source its slot index: the n-th audio (video) source is shown in every receiver's
    /// n-th audio (video) slot. Local sources rank by their endpoint's <see cref="Endpoint.Order"/> (signaling's stage
    /// order), then by the endpoint's creation; with a mesh of
    /// core bridges, the sources of all cores are ordered by (local rank, SSRC), which every core computes
    /// alike. Sources relayed from a parent keep the rank it announced. Call after sources change.
    /// </summary>
    public void RankSources()
    {
        lock (_gate)
        {
            var audio = 0;
            var video = 0;
            var ranked = new List<MediaSource>();
            foreach (var endpoint in _endpoints)
            {
                foreach (var source in endpoint.Sources)
                {
                    source.LocalRank = source.Kind == MediaKind.Audio ? audio++ : video++;
                    ranked.Add(source);
                }
            }
            ranked.AddRange(_relayed.Where(s => s.Upstream?.PeerRole == Relay.RelayPeerRole.Mesh));
            foreach (var kind in (ReadOnlySpan<MediaKind>)[MediaKind.Audio, MediaKind.Video])
            {
                var rank = 0;
                foreach (var source in ranked.Where(s => s.Kind == kind).OrderBy(s => s.LocalRank).ThenBy(s => s.Ssrc))
                {
                    source.SlotIndex = rank++;
                }
            }
        }
    }

    /// <summary>The source with this SSRC in any endpoint, or null (a scan: conferences have few sources).</summary>
    public MediaSource? FindSource(uint ssrc)
    {
        if (ssrc == 0)
        {
            return null;
        }
        foreach (var endpoint in _endpoints)
        {
            if (endpoint.FindSource(ssrc) is { } source)
            {
                return source;
            }
        }
        foreach (var source in _relayed)
        {
            if (source.Ssrc == ssrc)
            {
                return source;
            }
        }
        return null;
    }
}
