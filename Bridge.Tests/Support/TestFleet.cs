using System.Net.Http.Json;
using System.Security.Cryptography;
using Bridge.Api;
using Bridge.Relay;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Support;

/// <summary>Several real bridges in this process, wired into a relay tree through their control APIs.</summary>
public sealed class TestFleet : IAsyncDisposable
{
    private readonly Dictionary<string, TestBridge> _bridges = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Parent, string Child), uint> _links = [];
    private uint _nextLinkId = 1;

    /// <summary>The bridges by id.</summary>
    public IReadOnlyDictionary<string, TestBridge> Bridges => _bridges;

    /// <summary>Starts bridges with these ids.</summary>
    public static async Task<TestFleet> StartAsync(IEnumerable<string> ids, Action<Bridge.Hosting.BridgeOptions>? configure = null)
    {
        var fleet = new TestFleet();
        var started = await Task.WhenAll(ids.Select(async id => (id, bridge: await TestBridge.StartAsync(o =>
        {
            o.BridgeId = id;
            configure?.Invoke(o);
        }))));
        foreach (var (id, bridge) in started)
        {
            fleet._bridges[id] = bridge;
        }
        return fleet;
    }

    /// <summary>Creates the conference on every bridge (the control plane's job).</summary>
    public async Task CreateConferenceAsync(string conference)
    {
        foreach (var bridge in _bridges.Values)
        {
            (await bridge.Http.PutAsync($"/conferences/{conference}", null)).EnsureSuccessStatusCode();
        }
    }

    /// <summary>Creates a relay link between parent and child with a fresh key, configured at both ends.</summary>
    public async Task LinkAsync(string parent, string child)
    {
        var id = _nextLinkId++;
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var p = _bridges[parent];
        var c = _bridges[child];
        var atParent = await p.Http.PostAsJsonAsync("/relays", new CreateRelayRequest(id, child, "127.0.0.1", c.MediaEndPoint.Port, key, "child"));
        Assert.True(atParent.IsSuccessStatusCode, await atParent.Content.ReadAsStringAsync());
        var atChild = await c.Http.PostAsJsonAsync("/relays", new CreateRelayRequest(id, parent, "127.0.0.1", p.MediaEndPoint.Port, key, "parent"));
        Assert.True(atChild.IsSuccessStatusCode, await atChild.Content.ReadAsStringAsync());
        _links[(parent, child)] = id;
    }

    /// <summary>Links two core bridges as mesh peers: each sends the other its own publishers' media.</summary>
    public async Task MeshAsync(string a, string b)
    {
        var id = _nextLinkId++;
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        foreach (var (self, peer) in new[] { (a, b), (b, a) })
        {
            var response = await _bridges[self].Http.PostAsJsonAsync("/relays", new CreateRelayRequest(id, peer, "127.0.0.1", _bridges[peer].MediaEndPoint.Port, key, "mesh"));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>Links every bridge of a planned tree to its parent.</summary>
    public async Task LinkTreeAsync(BridgeRelay.Tree.RelayTree tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        foreach (var bridge in tree.Bridges)
        {
            if (tree.ParentOf(bridge) is { } parent)
            {
                await LinkAsync(parent, bridge);
            }
        }
    }

    /// <summary>Applies planner changes: removes old parent links (at the ends still running) and creates new ones.</summary>
    public async Task ApplyAsync(IEnumerable<BridgeRelay.Tree.TreeChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var list = changes.ToList();
        foreach (var change in list.Where(c => c.OldParent is not null))
        {
            await UnlinkAsync(change.OldParent!, change.Bridge);
        }
        foreach (var change in list.Where(c => c.NewParent is not null && _bridges.ContainsKey(c.Bridge)))
        {
            await LinkAsync(change.NewParent!, change.Bridge);
        }
    }

    /// <summary>Removes the relay link between parent and child at whichever ends are still running.</summary>
    public async Task UnlinkAsync(string parent, string child)
    {
        var id = _links[(parent, child)];
        _links.Remove((parent, child));
        foreach (var end in new[] { parent, child })
        {
            if (_bridges.TryGetValue(end, out var bridge))
            {
                await bridge.Http.DeleteAsync($"/relays/{id}");
            }
        }
    }

    /// <summary>The link object at <paramref name="at"/> for the edge parent-child (white-box).</summary>
    public RelayLink Link(string at, string parent, string child) =>
        _bridges[at].Services.GetRequiredService<RelayManager>().Find(_links[(parent, child)])!;

    /// <summary>Stops a bridge as if its machine died (no goodbye to its peers).</summary>
    public async Task KillAsync(string id)
    {
        var bridge = _bridges[id];
        _bridges.Remove(id);
        await bridge.DisposeAsync();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_bridges.Values.Select(b => b.DisposeAsync().AsTask()));
    }
}
