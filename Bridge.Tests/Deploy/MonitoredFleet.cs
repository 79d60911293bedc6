using System.Net;
using System.Net.Sockets;
using Bridge.Conferences;
using Bridge.Metrics;
using Bridge.Registration;
using Bridge.Tests.Registration;
using Bridge.Tests.Signaling.Clients;
using Bridge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Deploy;

/// <summary>
/// A small fleet on loopback for the monitoring tests: a main signaling node, three bridges registered with it, a
/// participant and two visitors joined over /ws, three more receivers made on the last bridge through its API, and a
/// different number of datagrams sent to each bridge. The bridges run on a fake clock advanced by one second once all
/// that is done, so each one's stress and rates are sampled exactly once and then hold still while Prometheus scrapes.
/// </summary>
internal sealed class MonitoredFleet : IAsyncDisposable
{
    public const string Room = "acme/monitored";

    /// <summary>Datagrams sent to each bridge before the sample; with a capacity of 100 pps, stress is at least this over 100.</summary>
    public static readonly int[] Datagrams = [20, 45, 70];

    private readonly List<IAsyncDisposable> _owned = [];

    private MonitoredFleet(TestSignaling signaling) => Signaling = signaling;

    public TestSignaling Signaling { get; }

    public List<TestBridge> Bridges { get; } = [];

    public FakeTimeProvider Clock { get; } = new();

    /// <summary>"127.0.0.1:port" of a bridge's API, as Prometheus labels its instance.</summary>
    public static string Instance(Uri url) => $"{url.Host}:{url.Port}";

    public static async Task<MonitoredFleet> StartAsync()
    {
        // Bridges on a fake clock report only when it moves; a patient sweep keeps them alive meanwhile.
        var fleet = new MonitoredFleet(await TestSignaling.StartAsync(o => o.MissedReportsBeforeOut = 100));
        try
        {
            for (var i = 0; i < Datagrams.Length; i++)
            {
                var id = $"mon-{i}";
                fleet.Bridges.Add(await TestBridge.StartAsync(o =>
                {
                    o.BridgeId = id;
                    o.Region = "eu-west";
                    o.SignalingUrl = fleet.Signaling.Url.ToString();
                    o.ReportIntervalSeconds = 1;
                    o.CapacityPacketsPerSecond = 100;
                    o.StressIncludesCpu = false; // this test process's CPU says nothing about one bridge
                }, fleet.Clock));
                await fleet.Signaling.WaitForAsync(b => b.ContainsKey(id), TimeSpan.FromSeconds(10));
            }

            await fleet.JoinAsync();
            await fleet.LoadAsync();
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    /// <summary>Endpoints the bridge holds now.</summary>
    public static int Endpoints(TestBridge bridge) => bridge.Services.GetRequiredService<ConferenceManager>().Conferences.Sum(c => c.Endpoints.Length);

    /// <summary>Receive-only endpoints the bridge holds now.</summary>
    public static int Visitors(TestBridge bridge) => bridge.Services.GetRequiredService<ConferenceManager>().Conferences.Sum(c => c.Endpoints.Count(e => e.Role == EndpointRole.Receiver));

    /// <summary>The bridge's stress as it reports it to signaling.</summary>
    public static double Stress(TestBridge bridge) => bridge.Services.GetRequiredService<StressMeter>().Current.Stress;

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }

        foreach (var bridge in Bridges)
        {
            await bridge.DisposeAsync();
        }

        await Signaling.DisposeAsync();
    }

    private async Task JoinAsync()
    {
        var ann = await TestClient.ConnectAsync(Signaling.Url);
        _owned.Add(ann);
        Assert.Equal("participant", (await ann.JoinAsync(Room, "Ann")).GetProperty("role").GetString());
        for (var i = 0; i < 2; i++)
        {
            var viewer = await TestClient.ConnectAsync(Signaling.Url);
            _owned.Add(viewer);
            Assert.Equal("visitor", (await viewer.JoinAsync(Room, $"Viewer {i}", visitor: true)).GetProperty("role").GetString());
        }

        for (var i = 0; i < 3; i++)
        {
            await Bridges[^1].CreateEndpointAsync("extra", $"x{i}", "receiver");
        }
    }

    private async Task LoadAsync()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var garbage = new byte[] { 0xFF, 1, 2, 3 }; // no protocol's first byte: counted and dropped
        var before = Bridges.Select(b => Volatile.Read(ref b.Counters.PacketsIn)).ToArray();
        for (var i = 0; i < Bridges.Count; i++)
        {
            for (var n = 0; n < Datagrams[i]; n++)
            {
                socket.SendTo(garbage, Bridges[i].MediaEndPoint);
            }
        }

        Assert.True(
            await Bridge.Client.SimulatedPeer.WaitUntilAsync(() => Bridges.Select((b, i) => Volatile.Read(ref b.Counters.PacketsIn) - before[i] >= Datagrams[i]).All(x => x), TimeSpan.FromSeconds(10)),
            "the bridges did not count the datagrams sent to them");

        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(
            await Bridge.Client.SimulatedPeer.WaitUntilAsync(() => Bridges.All(b => Stress(b) > 0 && b.Services.GetRequiredService<TrafficRates>().Current.PacketsInPerSecond > 0), TimeSpan.FromSeconds(10)),
            "the bridges did not sample stress and rates after the clock moved");
    }
}
