using System.Collections.Concurrent;
using System.Net;
using Bridge.Conferences;
using Bridge.Hosting;
using Bridge.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Relay;

/// <summary>
/// The bridge's relay links, created and removed through the control API as the control plane
/// plans the tree. Publishes an immutable array of links for the packet path and indexes them by
/// the peer's address for the receive loop.
/// </summary>
public sealed class RelayManager : IDisposable
{
    private readonly ConcurrentDictionary<uint, RelayLink> _byId = new();
    private readonly ConcurrentDictionary<SocketAddress, RelayLink> _byAddress = new();
    private readonly Lock _gate = new();
    private readonly MediaSocket _socket;
    private readonly ConferenceManager _conferences;
    private readonly TimeProvider _time;
    private readonly ILogger<RelayManager> _logger;
    private readonly TimeSpan _downAfter;
    private volatile RelayLink[] _links = [];

    /// <summary>Creates the manager.</summary>
    public RelayManager(IOptions<BridgeOptions> options, MediaSocket socket, ConferenceManager conferences, TimeProvider time, ILogger<RelayManager> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        BridgeId = options.Value.BridgeId;
        _downAfter = TimeSpan.FromSeconds(options.Value.RelayDownAfterSeconds);
        _socket = socket;
        _conferences = conferences;
        _time = time;
        _logger = logger;
    }

    /// <summary>This bridge's id on relay links.</summary>
    public string BridgeId { get; }

    /// <summary>Every link, as an immutable snapshot (the packet path iterates it without locking).</summary>
    public RelayLink[] Links => _links;

    /// <summary>The link with this id, or null.</summary>
    public RelayLink? Find(uint id) => _byId.GetValueOrDefault(id);

    /// <summary>The link whose peer sends from this address, or null (no allocation).</summary>
    public RelayLink? FindByAddress(SocketAddress address) => _byAddress.TryGetValue(address, out var link) ? link : null;

    /// <summary>Creates a link; the error names what is wrong (duplicate id, address in use).</summary>
    public bool TryCreate(uint id, string peerId, IPEndPoint peer, byte[] key, RelayPeerRole role, out RelayLink? link, out string? error)
    {
        ArgumentNullException.ThrowIfNull(peer);
        lock (_gate)
        {
            link = null;
            if (_byId.ContainsKey(id))
            {
                error = $"relay link {id} already exists";
                return false;
            }
            var created = new RelayLink(id, BridgeId, peerId, peer, key, role, _socket, _time, _downAfter);
            if (!_byAddress.TryAdd(created.PeerAddress, created))
            {
                created.Dispose();
                error = $"a relay link to {peer} already exists";
                return false;
            }
            _byId[id] = created;
            _links = [.. _links, created];
            link = created;
            error = null;
        }
        RelayLog.LinkCreated(_logger, id, peerId, peer, role);
        return true;
    }

    /// <summary>Changes what the peer is (re-parenting); sources relayed from it stop when it is no longer the parent.</summary>
    public bool TrySetRole(uint id, RelayPeerRole role)
    {
        if (Find(id) is not { } link)
        {
            return false;
        }
        if (link.PeerRole != role)
        {
            link.PeerRole = role;
            if (!link.SendsUsMedia)
            {
                ForgetRelayedSources(link);
            }
            RelayLog.RoleChanged(_logger, id, role);
        }
        return true;
    }

    /// <summary>Removes a link; the sources it brought are removed from every conference.</summary>
    public bool Remove(uint id)
    {
        RelayLink? link;
        lock (_gate)
        {
            if (!_byId.TryRemove(id, out link))
            {
                return false;
            }
            _byAddress.TryRemove(new KeyValuePair<SocketAddress, RelayLink>(link.PeerAddress, link));
            _links = [.. _links.Where(l => l != link)];
        }
        ForgetRelayedSources(link);
        RelayLog.LinkRemoved(_logger, id, link.PeerId);
        // The cipher may be in use by the receive loop right now; it is left to the GC.
        return true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var link in _links)
        {
            link.Dispose();
        }
    }

    private void ForgetRelayedSources(RelayLink link)
    {
        foreach (var conference in _conferences.Conferences)
        {
            conference.RemoveRelayedSources(link);
        }
    }
}
