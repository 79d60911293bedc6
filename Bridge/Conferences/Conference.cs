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

    /// <summary>Creates an empty conference.</summary>
    public Conference(string id, long createdAt)
    {
        Id = id;
        CreatedAt = createdAt;
    }

    /// <summary>Id chosen by the caller of the control API.</summary>
    public string Id { get; }

    /// <summary>Stopwatch timestamp of creation.</summary>
    public long CreatedAt { get; }

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
            _endpoints = [.. _endpoints, endpoint];
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
    /// Gives every source its slot index: the n-th audio (video) source, in order of its publisher
    /// joining, is shown in every receiver's n-th audio (video) slot. Call after sources change.
    /// </summary>
    public void RankSources()
    {
        lock (_gate)
        {
            var audio = 0;
            var video = 0;
            foreach (var endpoint in _endpoints)
            {
                foreach (var source in endpoint.Sources)
                {
                    source.SlotIndex = source.Kind == MediaKind.Audio ? audio++ : video++;
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
        return null;
    }
}
