using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Signaling.Bridges;

namespace Signaling.Clients;

/// <summary>One relay link this node made: its ends, id, and how many room trees use it.</summary>
/// <param name="Parent">The feeding bridge.</param>
/// <param name="Child">The fed bridge.</param>
/// <param name="Id">The link id at both ends.</param>
/// <param name="Users">Room trees with this edge.</param>
internal sealed record RelayLinkInfo(string Parent, string Child, uint Id, int Users);

/// <summary>
/// The relay links this node created between bridges, one per ordered (parent, child) pair. A link carries every conference
/// the two bridges share (docs/relay-protocol.md: each datagram names its conference), and a bridge accepts only one link per
/// peer address, so links are shared by all rooms rather than made per room: each room tree with the edge holds one use,
/// and the link is deleted at both ends when the last use is released. Also the node's list of lost bridges, which get no
/// new link and whose link ends are never called again. Thread-safe; creations and deletions are serialized.
/// </summary>
internal sealed partial class RelayLinks(BridgeRegistry bridges, BridgeApiClient api, ILogger<RelayLinks> log) : IDisposable
{
    private readonly Dictionary<(string Parent, string Child), Link> _links = [];
    private readonly HashSet<string> _lost = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    // A random start: a restarted node must not reuse the ids of links the bridges may still hold from its previous life
    // (a bridge refuses a second link with a known id); a bridge holds a handful of links, so a clash is improbable.
    private uint _lastId = (uint)System.Security.Cryptography.RandomNumberGenerator.GetInt32(1, int.MaxValue / 2);

    /// <summary>
    /// True when a link already joins the pair the other way round (another room's tree has <paramref name="child"/> above
    /// <paramref name="parent"/>): the bridges allow one link per peer, so this pair cannot be linked as asked.
    /// </summary>
    public bool IsReversed(string parent, string child)
    {
        lock (_links)
        {
            return _links.ContainsKey((child, parent));
        }
    }

    /// <summary>True when <paramref name="bridgeId"/> was lost (<see cref="MarkLost"/>) and has not come back.</summary>
    public bool IsLost(string bridgeId)
    {
        lock (_links)
        {
            return _lost.Contains(bridgeId);
        }
    }

    /// <summary>The lost bridges, in no particular order.</summary>
    public IReadOnlyList<string> Lost
    {
        get
        {
            lock (_links)
            {
                return [.. _lost];
            }
        }
    }

    /// <summary>Records <paramref name="bridgeId"/> as lost; false when it already was (a loss is handled once).</summary>
    public bool MarkLost(string bridgeId)
    {
        lock (_links)
        {
            return _lost.Add(bridgeId);
        }
    }

    /// <summary>The bridge is usable again (it reports and is not failed); false when it was not lost.</summary>
    public bool Revive(string bridgeId)
    {
        lock (_links)
        {
            return _lost.Remove(bridgeId);
        }
    }

    /// <summary>Every link in the table, ordered by parent then child.</summary>
    public IReadOnlyList<RelayLinkInfo> Snapshot()
    {
        lock (_links)
        {
            return _links.OrderBy(l => l.Key.Parent, StringComparer.Ordinal).ThenBy(l => l.Key.Child, StringComparer.Ordinal)
                .Select(l => new RelayLinkInfo(l.Key.Parent, l.Key.Child, l.Value.Id, l.Value.Users)).ToList();
        }
    }

    /// <summary>
    /// Takes one use of the link <paramref name="parent"/> → <paramref name="child"/>: when no link exists yet, creates it at
    /// both ends with a new id and a fresh random key (parent side peerRole <c>child</c>, child side <c>parent</c>). Throws
    /// <see cref="BridgeApiException"/> when a bridge is lost, unknown, unreachable or refuses; a half-made link is removed again.
    /// </summary>
    public async Task AcquireAsync(string parent, string child, CancellationToken cancel)
    {
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            lock (_links)
            {
                if (_lost.Contains(parent) || _lost.Contains(child))
                {
                    throw new BridgeApiException(null, $"bridge {(_lost.Contains(parent) ? parent : child)} is lost");
                }

                if (_links.TryGetValue((parent, child), out var existing))
                {
                    existing.Users++;
                    return;
                }
            }

            var (parentApi, parentHost, parentPort) = Locate(parent);
            var (childApi, childHost, childPort) = Locate(child);
            // Ids come from one counter per node, so no two links this node made share one on any bridge.
            var id = ++_lastId;
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            await api.CreateRelayAsync(parentApi, new RelayLinkEnd(id, child, childHost, childPort, key, "child"), cancel).ConfigureAwait(false);
            try
            {
                await api.CreateRelayAsync(childApi, new RelayLinkEnd(id, parent, parentHost, parentPort, key, "parent"), cancel).ConfigureAwait(false);
            }
            catch (BridgeApiException)
            {
                await DeleteEndAsync(parent, id).ConfigureAwait(false);
                throw;
            }

            lock (_links)
            {
                _links[(parent, child)] = new Link(id) { Users = 1 };
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Gives back one use of the link <paramref name="parent"/> → <paramref name="child"/>; the last use deletes it at both ends
    /// (best effort: a bridge that cannot be reached is logged, and a lost end is not called). Unknown links are ignored: the
    /// links of a lost bridge leave the table with <see cref="DropLinksOfAsync"/>.
    /// </summary>
    public async Task ReleaseAsync(string parent, string child, CancellationToken cancel)
    {
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            uint id;
            lock (_links)
            {
                if (!_links.TryGetValue((parent, child), out var link) || --link.Users > 0)
                {
                    return;
                }

                _links.Remove((parent, child));
                id = link.Id;
            }

            await DeleteEndAsync(parent, id).ConfigureAwait(false);
            await DeleteEndAsync(child, id).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Removes every link that ends at the lost bridge <paramref name="bridgeId"/> from the table, whoever uses it, and deletes
    /// the surviving ends (best effort); returns how many links there were.
    /// </summary>
    public async Task<int> DropLinksOfAsync(string bridgeId, CancellationToken cancel)
    {
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            List<(string Survivor, uint Id)> ends;
            lock (_links)
            {
                var gone = _links.Where(l => l.Key.Parent == bridgeId || l.Key.Child == bridgeId).ToList();
                ends = gone.Select(l => (l.Key.Parent == bridgeId ? l.Key.Child : l.Key.Parent, l.Value.Id)).ToList();
                foreach (var link in gone)
                {
                    _links.Remove(link.Key);
                }
            }

            foreach (var (survivor, id) in ends)
            {
                await DeleteEndAsync(survivor, id).ConfigureAwait(false);
            }

            return ends.Count;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Deletes the relay link ends <paramref name="bridgeId"/> holds that are not in the table: a bridge that comes back after
    /// a loss still has the ends of the links dropped then, and would refuse a new link to the same peer (one link per peer).
    /// Returns how many were deleted; throws <see cref="BridgeApiException"/> when the bridge cannot be asked.
    /// </summary>
    public async Task<int> DeleteUnknownEndsAsync(string bridgeId, CancellationToken cancel)
    {
        var url = bridges.ApiUrlOf(bridgeId) ?? throw new BridgeApiException(null, $"bridge {bridgeId} has no known control API");
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            HashSet<uint> known;
            lock (_links)
            {
                known = [.. _links.Where(l => l.Key.Parent == bridgeId || l.Key.Child == bridgeId).Select(l => l.Value.Id)];
            }

            var stale = (await api.ListRelayIdsAsync(url, cancel).ConfigureAwait(false)).Where(id => !known.Contains(id)).ToList();
            foreach (var id in stale)
            {
                await DeleteEndAsync(bridgeId, id).ConfigureAwait(false);
            }

            return stale.Count;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();

    /// <summary>DELETE /relays/{id} at <paramref name="bridgeId"/> unless it is lost; failures are logged, not thrown (the ends are cleaned up best effort).</summary>
    private async Task DeleteEndAsync(string bridgeId, uint id)
    {
        if (IsLost(bridgeId) || bridges.ApiUrlOf(bridgeId) is not { } url)
        {
            return;
        }

        try
        {
            await api.DeleteRelayAsync(url, id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (BridgeApiException e)
        {
            LogDeleteFailed(log, id, bridgeId, e.Message);
        }
    }

    private (Uri Api, string Host, int Port) Locate(string bridgeId)
    {
        var report = bridges.ReportOf(bridgeId);
        return report is not null && bridges.ApiUrlOf(bridgeId) is { } url
            ? (url, report.MediaHost, report.MediaPort)
            : throw new BridgeApiException(null, $"bridge {bridgeId} has no known control API");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "relay link {LinkId}: deleting its end at bridge {BridgeId} failed: {Reason}")]
    private static partial void LogDeleteFailed(ILogger logger, uint linkId, string bridgeId, string reason);

    /// <summary>A link's id and use count; the count is guarded by the table's lock.</summary>
    private sealed class Link(uint id)
    {
        public uint Id { get; } = id;

        public int Users { get; set; }
    }
}
