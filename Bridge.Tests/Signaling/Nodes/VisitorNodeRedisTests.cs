using System.Text.Json;
using Bridge.Client;
using Bridge.Tests.Signaling.Clients;
using Bridge.Tests.Signaling.Federation;
using Bridge.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Signaling.Bridges;
using Signaling.Federation;
using Signaling.Hosting;

namespace Bridge.Tests.Signaling.Nodes;

/// <summary>
/// Main and a visitor node federated over a real redis-server. The visitor node's link to Redis is cut (a TCP proxy is
/// stopped), or Redis itself is killed and restarted: the node's visitors stay connected, and the stage changes made on
/// main during the gap reach them after the link returns, each exactly once and in order.
/// </summary>
[Trait("Category", "Redis")]
public sealed class VisitorNodeRedisTests
{
    private const string Room = "acme/gap";

    [Fact]
    public async Task A_cut_node_link_keeps_the_visitors_and_delivers_the_gap_events_exactly_once() =>
        await RunGapScenarioAsync(viaProxy: true);

    [Fact]
    public async Task A_redis_restart_keeps_the_visitors_and_delivers_the_gap_events_exactly_once() =>
        await RunGapScenarioAsync(viaProxy: false);

    private static async Task RunGapScenarioAsync(bool viaProxy)
    {
        using var redis = RedisServer.Start();
        using var proxy = new TcpProxy(redis.Port);
        proxy.Start();
        var nodePort = RedisServer.FreePort();
        await using var mainBus = await RedisFederationBus.ConnectAsync(new RedisFederationBusOptions(redis.ConnectionString));
        await using var nodeBus = await RedisFederationBus.ConnectAsync(new RedisFederationBusOptions(RedisServer.ConnectionStringFor(viaProxy ? proxy.Port : redis.Port)));
        await using var main = await StartAsync(SignalingHost.Build([], o =>
        {
            o.Url = "http://127.0.0.1:0";
            o.ReportIntervalSeconds = 1;
            o.VisitorNodes = [new VisitorNodeEntry { Id = "v1", Url = $"http://127.0.0.1:{nodePort}" }];
        }, bus: mainBus));
        var mainUrl = Address(main);
        await using var node = await StartAsync(SignalingHost.Build([], o =>
        {
            o.Role = SignalingOptions.VisitorRole;
            o.NodeId = "v1";
            o.Url = $"http://127.0.0.1:{nodePort}";
            o.MainUrl = mainUrl.ToString();
        }, bus: nodeBus));
        await using var bridge = await TestBridge.StartAsync(o =>
        {
            o.BridgeId = "gap-core";
            o.SignalingUrl = mainUrl.ToString();
            o.ReportIntervalSeconds = 1;
        });
        var registry = main.Services.GetRequiredService<BridgeRegistry>();
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => registry.List().Any(b => b.State == "alive"), TimeSpan.FromSeconds(10)));

        await using var ann = await TestClient.ConnectAsync(mainUrl);
        await ann.JoinAsync(Room, "Ann");
        var visitors = new List<TestClient>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                var visitor = await TestClient.ConnectAsync(Address(node));
                visitors.Add(visitor);
                var joined = await visitor.JoinAsync(Room, $"Viewer {i}", visitor: true);
                Assert.Equal("visitor", joined.GetProperty("role").GetString());
                Assert.Equal(["Ann"], Names((await visitor.ExpectAsync("stage")).GetProperty("participants")));
            }

            // The gap: the node loses Redis (its link, or Redis itself) while the stage changes twice on main.
            if (viaProxy)
            {
                proxy.Stop();
            }
            else
            {
                redis.Kill();
            }

            Assert.True(await SimulatedPeer.WaitUntilAsync(() => nodeBus.State == FederationLinkState.Disconnected, TimeSpan.FromSeconds(10)), "the node never noticed the cut");
            await using var bob = await TestClient.ConnectAsync(mainUrl);
            await bob.JoinAsync(Room, "Bob");
            await ann.SendAsync("""{"v":1,"type":"media","audio":true,"video":false}""");
            await Task.Delay(1000);
            foreach (var visitor in visitors)
            {
                // Still connected and served by the node during the gap.
                await visitor.PingAsync("during-gap");
            }

            if (viaProxy)
            {
                proxy.Start();
            }
            else
            {
                redis.Restart();
            }

            foreach (var visitor in visitors)
            {
                var first = (await visitor.ExpectAsync("stage")).GetProperty("participants");
                Assert.Equal(["Ann", "Bob"], Names(first));
                Assert.False(first[0].GetProperty("audio").GetBoolean());
                var second = (await visitor.ExpectAsync("stage")).GetProperty("participants");
                Assert.Equal(["Ann", "Bob"], Names(second));
                Assert.True(second[0].GetProperty("audio").GetBoolean());
            }

            // Nothing twice: after a quiet period, everything before the pong is checked for further stages.
            await Task.Delay(2500);
            foreach (var visitor in visitors)
            {
                await visitor.SendAsync("""{"v":1,"type":"ping","id":"after"}""");
                while (true)
                {
                    var message = await visitor.ReceiveAsync();
                    var type = message.GetProperty("type").GetString();
                    Assert.NotEqual("stage", type);
                    if (type == "pong")
                    {
                        break;
                    }
                }
            }

            Assert.Equal(FederationLinkState.Connected, nodeBus.State);
        }
        finally
        {
            foreach (var visitor in visitors)
            {
                await visitor.DisposeAsync();
            }
        }
    }

    private static List<string> Names(JsonElement participants) =>
        [.. participants.EnumerateArray().Select(p => p.GetProperty("name").GetString()!)];

    private static async Task<WebApplication> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        return app;
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}
