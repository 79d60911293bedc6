using System.Diagnostics;
using Fleet;
using Microsoft.Extensions.DependencyInjection;
using Signaling.Assignment;

namespace VisitorFanout;

/// <summary>
/// One benchmark run: an in-process fleet (main, visitor nodes, bridges), a participant on main, the crowd of visitors;
/// one chat message timed to every visitor, then a reaction storm measured at main's <c>/metrics</c>.
/// </summary>
public static class FanoutRun
{
    /// <summary>The benchmark's room.</summary>
    public const string Room = "bench/fanout";

    /// <summary>Seconds after the storm's last sends for the nodes' and main's last 1 s intervals to be pushed.</summary>
    private const double SettleSeconds = 4;

    private static readonly byte[] ChatFrame = """{"v":1,"type":"chat.send","id":"c","text":"fan-out benchmark"}"""u8.ToArray();

    /// <summary>Runs the benchmark; 0 when every joined visitor got the chat message exactly once, 3 when not, 1 when the run broke.</summary>
    public static async Task<int> RunAsync(FanoutOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        // Warnings only (10,000 joins would log 10,000 lines), and a never-negotiated receiver endpoint is left alone for
        // the run rather than expired after 30 s: set through the environment the hosts read, as an operator would.
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        Environment.SetEnvironmentVariable("Bridge__ConnectTimeoutSeconds", "300");
        Console.Error.WriteLine($"VisitorFanout: starting the fleet (main, {o.Nodes} visitor nodes, {o.Bridges} bridges)");
        await using var fleet = await LocalSignalingFleet.StartAsync(FleetFor(o));
        await WaitForNodesAsync(fleet, o.Nodes);
        var mainWs = new UriBuilder(fleet.MainUrl) { Scheme = "ws", Path = "/ws" }.Uri;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler());
        await using var host = await Visitor.JoinAsync(mainWs, invoker, Room, "Host", visitor: false, CancellationToken.None);
        if (host.Node != "main")
        {
            throw new InvalidOperationException($"the host was sent to {host.Node} instead of being seated on main");
        }

        using var hostGate = new SemaphoreSlim(1, 1);
        await using var hostPings = new PingRounds(() => [host], hostGate);
        var inChild = o.ClientsInChild;
        Console.Error.WriteLine($"VisitorFanout: joining {o.Visitors:N0} visitors ({(inChild ? "in a child process" : "in this process")}, {o.Concurrency} at a time)");
        await using ICrowd crowd = inChild ? RemoteCrowd.Start(mainWs, Room, o) : new VisitorCrowd(mainWs, Room, o);
        var ramp = await crowd.RampAsync();
        Console.Error.WriteLine($"VisitorFanout: {ramp.Joined:N0} joined in {ramp.Seconds:F1} s, {ramp.Failed} failed {ramp.FirstError}");
        if (ramp.Joined == 0)
        {
            return 1;
        }

        // Join-time pushes (visitor counts, stage) settle before the message is timed.
        await Task.Delay(TimeSpan.FromSeconds(2));
        long sentTicks;
        await hostGate.WaitAsync();
        try
        {
            sentTicks = Stopwatch.GetTimestamp();
            await host.SendAsync(ChatFrame, CancellationToken.None);
        }
        finally
        {
            hostGate.Release();
        }

        var chat = await crowd.AwaitChatAsync(sentTicks);
        Console.Error.WriteLine($"VisitorFanout: chat reached {chat.Received:N0} of {chat.Visitors:N0}, p50 {chat.P50Ms:F1} ms, p99 {chat.P99Ms:F1} ms");

        var nodes = fleet.Nodes.Select(n => n.Url).ToList();
        var mainBefore = await MetricsScrape.ReadAsync(http, fleet.MainUrl);
        var nodesBefore = await Task.WhenAll(nodes.Select(n => MetricsScrape.ReadAsync(http, n)));
        var (hostPushes, hostCounted) = (host.Pushes, host.Counted);
        var window = Stopwatch.StartNew();
        var storm = await crowd.StormAsync(SettleSeconds);
        var mainAfter = await MetricsScrape.ReadAsync(http, fleet.MainUrl);
        var seconds = window.Elapsed.TotalSeconds;
        var nodesAfter = await Task.WhenAll(nodes.Select(n => MetricsScrape.ReadAsync(http, n)));

        double Main(params string[] labels) =>
            mainAfter.Sum("signaling_federation_events_total", labels) - mainBefore.Sum("signaling_federation_events_total", labels);
        double Nodes(string metric) => nodesAfter.Sum(s => s.Sum(metric)) - nodesBefore.Sum(s => s.Sum(metric));
        var inEvents = Main("direction=\"in\"");
        var inReactions = Main("direction=\"in\"", "type=\"reactions\"");
        var outEvents = Main("direction=\"out\"");
        var outReactions = Main("direction=\"out\"", "type=\"reactions\"");
        Dictionary<string, long> ByType(string direction)
        {
            const string Metric = "signaling_federation_events_total";
            var before = mainBefore.By(Metric, $"direction=\"{direction}\"", "type");
            return mainAfter.By(Metric, $"direction=\"{direction}\"", "type")
                .Select(p => (p.Key, Delta: (long)(p.Value - before.GetValueOrDefault(p.Key))))
                .Where(p => p.Delta > 0)
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .ToDictionary(p => p.Key, p => p.Delta);
        }

        var result = new FanoutResult(
            o.Visitors, o.Nodes, o.Bridges, inChild ? "child" : "inprocess", ramp, chat,
            new StormFigures(
                o.Reactions, o.StormSeconds, storm.Seconds, storm.Sent, storm.SendFailures,
                (long)Nodes("signaling_reactions_total"), (long)Nodes("signaling_reactions_dropped_total"), seconds,
                (long)inEvents, (long)inReactions, inEvents / seconds, inReactions / seconds / o.Nodes, ByType("in"),
                (long)outEvents, (long)outReactions, outEvents / seconds, ByType("out"),
                host.Pushes - hostPushes, host.Counted - hostCounted,
                storm.Pushes, storm.Counted, storm.VisitorsReached),
            storm.ChatExactlyOnce, storm.Lost);

        var report = FanoutReport.Markdown(result);
        Console.WriteLine(report);
        if (o.JsonPath is { } path)
        {
            await File.WriteAllTextAsync(path, FanoutReport.Json(result));
        }

        return chat.Received == ramp.Joined && result.ChatExactlyOnce == ramp.Joined ? 0 : 3;
    }

    /// <summary>
    /// The fleet for <paramref name="o"/>: one participant seat (the host), node caps above each node's share, and bridge
    /// capacity in endpoints (capacity pps over <see cref="FleetOptions.EndpointPacketsPerSecond"/>) with a 50% margin over
    /// the visitors' receiver endpoints, so that placement never runs out of bridges.
    /// </summary>
    public static FleetOptions FleetFor(FanoutOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var defaults = new FleetOptions();
        var perBridge = (double)o.Visitors / Math.Max(1, o.Bridges - 1);
        var endpointPps = FleetOptions.EndpointPacketsPerSecondFor(perBridge, stress: 0.8);
        return new FleetOptions
        {
            Bridges = o.Bridges,
            VisitorNodes = o.Nodes,
            SignalingPort = 0,
            BridgeApiPort = 0,
            MediaPort = 0,
            MaxParticipants = 1,
            MaxVisitorsPerNode = Math.Max(defaults.MaxVisitorsPerNode, (o.Visitors / o.Nodes) + 100),
            EndpointPacketsPerSecond = endpointPps,
        };
    }

    private static async Task WaitForNodesAsync(LocalSignalingFleet fleet, int nodes)
    {
        var selector = fleet.MainServices.GetRequiredService<VisitorNodeSelector>();
        var waited = Stopwatch.StartNew();
        while (selector.Snapshot().Count(n => !n.Stale) < nodes)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException("the visitor nodes did not report to main within 30 s");
            }

            await Task.Delay(100);
        }
    }
}
