using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Client;
using Bridge.Tests.Registration;
using Bridge.Tests.Signaling.Clients;
using Bridge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Signaling.Assignment;
using Signaling.Clients;
using Signaling.Hosting;

namespace Bridge.Tests.Signaling.Repair;

/// <summary>A main node with real in-process bridges registered to it (1 s reports), any of which a test can kill.</summary>
internal sealed class RepairFleet : IAsyncDisposable
{
    private readonly Dictionary<string, TestBridge> _bridges = [];

    private RepairFleet(TestSignaling signaling) => Signaling = signaling;

    /// <summary>The main node.</summary>
    public TestSignaling Signaling { get; }

    /// <summary>The node's rooms.</summary>
    public RoomRegistry Rooms => Signaling.Services.GetRequiredService<RoomRegistry>();

    /// <summary>The node's bridge selector.</summary>
    public BridgeSelector Selector => Signaling.Services.GetRequiredService<BridgeSelector>();

    /// <summary>The node's relay link table.</summary>
    public RelayLinks Links => Signaling.Services.GetRequiredService<RelayLinks>();

    /// <summary>The node's loss handler.</summary>
    public BridgeLossHandler Losses => Signaling.Services.GetRequiredService<BridgeLossHandler>();

    /// <summary>The living bridge <paramref name="id"/>.</summary>
    public TestBridge this[string id] => _bridges[id];

    /// <summary>
    /// Starts a node and the bridges <paramref name="ids"/>. Every bridge counts as one endpoint of capacity and reports stress
    /// from its packet rate only, so each placement outweighs the reported stress and endpoints spread in a known order.
    /// </summary>
    public static async Task<RepairFleet> StartAsync(Action<SignalingOptions>? configure, params string[] ids)
    {
        var fleet = new RepairFleet(await TestSignaling.StartAsync(o =>
        {
            o.EndpointPacketsPerSecond = 1_000_000;
            configure?.Invoke(o);
        }));
        foreach (var id in ids)
        {
            // Stress from packets only: the CPU share of a busy test process would outweigh a placement's weight at random.
            fleet._bridges[id] = await TestBridge.StartAsync(o =>
            {
                o.BridgeId = id;
                o.Region = "eu-west";
                o.SignalingUrl = fleet.Signaling.Url.ToString();
                o.ReportIntervalSeconds = 1;
                o.StressIncludesCpu = false;
            });
        }

        Assert.Equal(ids.Length, (await fleet.Signaling.WaitForAsync(b => b.Count == ids.Length, TimeSpan.FromSeconds(5))).Count);
        return fleet;
    }

    /// <summary>The bridge id whose media port is <paramref name="media"/>'s.</summary>
    public string IdOf(IPEndPoint media) => _bridges.Single(b => b.Value.MediaEndPoint.Port == media.Port).Key;

    /// <summary>Stops bridge <paramref name="id"/> for good (its host is disposed: no media, no API, no reports) and returns a clock started just before.</summary>
    public async Task<Stopwatch> KillAsync(string id)
    {
        var clock = Stopwatch.StartNew();
        var bridge = _bridges[id];
        _bridges.Remove(id);
        await bridge.DisposeAsync();
        return clock;
    }

    /// <summary>GET /relays of bridge <paramref name="id"/> as (peer, peerRole) pairs in peer order.</summary>
    public async Task<List<(string Peer, string Role)>> RelaysAsync(string id) =>
        [.. (await _bridges[id].Http.GetFromJsonAsync<JsonElement>("/relays")).EnumerateArray()
            .Select(l => (l.GetProperty("peerId").GetString()!, l.GetProperty("peerRole").GetString()!))
            .OrderBy(l => l.Item1, StringComparer.Ordinal)];

    /// <summary>The conference ids on bridge <paramref name="id"/>.</summary>
    public async Task<List<string>> ConferencesAsync(string id) =>
        [.. (await _bridges[id].Http.GetFromJsonAsync<JsonElement>("/conferences")).EnumerateArray().Select(c => c.GetProperty("id").GetString()!)];

    /// <summary>The node's /metrics text.</summary>
    public Task<string> MetricsAsync() => Signaling.Http.GetStringAsync("/metrics");

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var bridge in _bridges.Values)
        {
            await bridge.DisposeAsync();
        }

        await Signaling.DisposeAsync();
    }
}

/// <summary>A participant's media: RTP from whichever simulated browser is current, every 10 ms, until disposed.</summary>
internal sealed class Publisher : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private SimulatedPeer _peer;

    public Publisher(SimulatedPeer peer)
    {
        _peer = peer;
        _loop = Task.Run(async () =>
        {
            ushort sequence = 0;
            while (!_stop.IsCancellationRequested)
            {
                sequence++;
                try
                {
                    Volatile.Read(ref _peer).SendRtp(0x1111, 111, sequence, sequence * 960u, [0xA]);
                }
                catch (System.Net.Sockets.SocketException)
                {
                    // The bridge just died (ICMP unreachable); the test switches to a new browser.
                }
                catch (ObjectDisposedException)
                {
                    // The test is over and disposed the browser before this publisher.
                }

                await Task.Delay(10);
            }
        });
    }

    /// <summary>From now on the media comes from <paramref name="peer"/> (the browser reconnected after <c>reoffer</c>).</summary>
    public void SwitchTo(SimulatedPeer peer) => Volatile.Write(ref _peer, peer);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}

/// <summary>A visitor's client and its simulated browser.</summary>
internal sealed record Viewer(TestClient Client, string Id, SimulatedPeer Peer, string Bridge)
{
    /// <summary>Joins <paramref name="count"/> visitors ("Viewer 1", ...) one after the other and connects their browsers.</summary>
    public static async Task<List<Viewer>> JoinAsync(RepairFleet fleet, string room, int count)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        var viewers = new List<Viewer>();
        for (var i = 1; i <= count; i++)
        {
            var client = await TestClient.ConnectAsync(fleet.Signaling.Url);
            var id = (await client.JoinAsync(room, $"Viewer {i}")).GetProperty("you").GetString()!;
            var (peer, bridge) = await client.NegotiateAndConnectAsync(publish: false);
            viewers.Add(new Viewer(client, id, peer, fleet.IdOf(bridge)));
        }
        return viewers;
    }

    /// <summary>Waits until <paramref name="peer"/> has received <paramref name="packets"/> more RTP packets than <paramref name="from"/>, before <paramref name="deadline"/>.</summary>
    public static async Task ReceivesAsync(SimulatedPeer peer, int from, int packets, TimeSpan deadline, string who) =>
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => peer.ReceivedRtp.Count >= from + packets, deadline > TimeSpan.Zero ? deadline : TimeSpan.Zero),
            $"{who} received {peer.ReceivedRtp.Count - from} of {packets} packets in time");
}
