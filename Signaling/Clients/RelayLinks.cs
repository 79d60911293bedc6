using System.Security.Cryptography;
using Signaling.Bridges;

namespace Signaling.Clients;

/// <summary>
/// The relay links this node created between bridges, one per ordered (parent, child) pair. A link carries every conference
/// the two bridges share (docs/relay-protocol.md: each datagram names its conference), and a bridge accepts only one link per
/// peer address, so links are shared by all rooms rather than made per room. Thread-safe; creations are serialized.
/// </summary>
internal sealed class RelayLinks(BridgeRegistry bridges, BridgeApiClient api) : IDisposable
{
    private readonly Dictionary<(string Parent, string Child), uint> _links = [];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private uint _lastId;

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

    /// <summary>
    /// Makes sure <paramref name="parent"/> feeds <paramref name="child"/>: when no link exists yet, creates it at both ends
    /// with a new id and a fresh random key (parent side peerRole <c>child</c>, child side <c>parent</c>). Throws
    /// <see cref="BridgeApiException"/> when a bridge is unknown, unreachable or refuses; a half-made link is removed again.
    /// </summary>
    public async Task EnsureAsync(string parent, string child, CancellationToken cancel)
    {
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            lock (_links)
            {
                if (_links.ContainsKey((parent, child)))
                {
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
                await api.DeleteRelayAsync(parentApi, id, CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            lock (_links)
            {
                _links[(parent, child)] = id;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();

    private (Uri Api, string Host, int Port) Locate(string bridgeId)
    {
        var report = bridges.ReportOf(bridgeId);
        return report is not null && bridges.ApiUrlOf(bridgeId) is { } url
            ? (url, report.MediaHost, report.MediaPort)
            : throw new BridgeApiException(null, $"bridge {bridgeId} has no known control API");
    }
}
