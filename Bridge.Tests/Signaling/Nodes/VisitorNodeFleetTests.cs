using System.Net.WebSockets;
using System.Text.Json;
using Bridge.Client;
using Bridge.Rtp;
using Bridge.Tests.Signaling.Clients;
using Fleet;
using Microsoft.Extensions.DependencyInjection;
using Signaling.Assignment;
using Signaling.Clients;

namespace Bridge.Tests.Signaling.Nodes;

/// <summary>
/// The whole control plane in one process on loopback, with real WebSockets and real bridges: main signaling, two visitor
/// nodes federated over the in-process bus, a core and two visitor bridges. Joiners over the threshold are redirected to
/// the least-loaded visitor node, which places them (through main) on a visitor bridge of the room's relay tree.
/// </summary>
public class VisitorNodeFleetTests
{
    private const string Room = "acme/webinar";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    internal static Task<LocalSignalingFleet> StartFleetAsync(int maxVisitorsPerNode = 3, int bridges = 3, int idleBranchSeconds = 30) =>
        LocalSignalingFleet.StartAsync(new FleetOptions
        {
            // 20 endpoints per bridge: one add (0.05) outweighs the packet-rate noise in the reported stress, and 16 fit under
            // the stress threshold, so placement follows the adds and the core is not used for visitors.
            EndpointPacketsPerSecond = 10_000,
            Bridges = bridges,
            VisitorNodes = 2,
            SignalingPort = 0,
            BridgeApiPort = 0,
            MediaPort = 0,
            MaxParticipants = 2,
            MaxVisitorsPerNode = maxVisitorsPerNode,
            IdleBranchSeconds = idleBranchSeconds,
        });

    /// <summary>Waits until main has heard both visitor nodes' heartbeats (before that it serves visitors itself).</summary>
    internal static async Task WaitForNodesAsync(LocalSignalingFleet fleet)
    {
        var selector = fleet.MainServices.GetRequiredService<VisitorNodeSelector>();
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => selector.Snapshot().Count(n => !n.Stale) == fleet.Nodes.Count, Wait),
            "the visitor nodes never reported to main");
    }

    /// <summary>Joins at main, follows the redirect to a visitor node and joins there; returns the client, its node and the joined message.</summary>
    internal static async Task<(TestClient Client, string Node, JsonElement Joined)> JoinAsVisitorAsync(LocalSignalingFleet fleet, string name, string room = Room, bool askVisitor = false)
    {
        await using (var atMain = await TestClient.ConnectAsync(fleet.MainUrl))
        {
            await atMain.SendAsync($$"""{"v":1,"type":"join","id":"j","room":"{{room}}","name":"{{name}}","visitor":{{(askVisitor ? "true" : "false")}}}""");
            var redirect = await atMain.ExpectAsync("redirect");
            Assert.Equal(WebSocketCloseStatus.NormalClosure, await atMain.ExpectCloseAsync());
            var node = redirect.GetProperty("node").GetString()!;
            var url = new Uri(redirect.GetProperty("url").GetString()!);
            Assert.Equal("ws", url.Scheme);
            Assert.Equal(fleet.Nodes.Single(n => n.Id == node).Url.Port, url.Port);
            var client = await TestClient.ConnectAsync(new UriBuilder(url) { Scheme = "http", Path = "/" }.Uri);
            var joined = await client.JoinAsync(room, name, visitor: true);
            return (client, node, joined);
        }
    }

    [Fact]
    public async Task Two_participants_and_five_visitors_get_their_roles_and_nodes_and_every_visitor_receives_the_participants()
    {
        await using var fleet = await StartFleetAsync();
        await WaitForNodesAsync(fleet);

        await using var ann = await TestClient.ConnectAsync(fleet.MainUrl);
        await using var bob = await TestClient.ConnectAsync(fleet.MainUrl);
        var annJoined = await ann.JoinAsync(Room, "Ann");
        var bobJoined = await bob.JoinAsync(Room, "Bob");
        Assert.Equal(("participant", "participant"), (annJoined.GetProperty("role").GetString(), bobJoined.GetProperty("role").GetString()));
        var (annPeer, annBridge) = await ann.NegotiateAndConnectAsync(publish: true, 0x1111, 0x2222);
        var (bobPeer, _) = await bob.NegotiateAndConnectAsync(publish: true, 0x3333, 0x4444);
        using var _a = annPeer;
        using var _b = bobPeer;
        var core = fleet.MainServices.GetRequiredService<BridgeSelector>().CoreOf(RoomName.Parse(Room));
        Assert.Equal("core", core);

        var visitors = new List<(TestClient Client, string Node, SimulatedPeer Peer, int BridgePort)>();
        try
        {
            for (var i = 1; i <= 5; i++)
            {
                var (client, node, joined) = await JoinAsVisitorAsync(fleet, $"Viewer {i}");
                Assert.Equal("visitor", joined.GetProperty("role").GetString());
                Assert.StartsWith(node + "-", joined.GetProperty("you").GetString(), StringComparison.Ordinal);
                Assert.Equal(["Ann", "Bob"], joined.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
                var (peer, bridge) = await client.NegotiateAndConnectAsync(publish: false);
                visitors.Add((client, node, peer, bridge.Port));
            }

            // Least loaded with redirects in flight counted: 3 and 2, nobody over the cap of 3.
            var perNode = visitors.GroupBy(v => v.Node).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(2, perNode.Count);
            Assert.Equal([2, 3], perNode.Values.Order());

            // The visitors are on visitor bridges (the core keeps the participants), linked into the room's tree.
            Assert.DoesNotContain(annBridge.Port, visitors.Select(v => v.BridgePort));

            // Both participants' media reach every visitor, through the relay hop.
            ushort sequence = 0;
            var deadline = DateTime.UtcNow + Wait;
            while (visitors.Any(v => Markers(v.Peer).Count < 2))
            {
                Assert.True(DateTime.UtcNow < deadline, "visitors' markers: " + string.Join("; ", visitors.Select(v => string.Join(",", Markers(v.Peer)))));
                sequence++;
                annPeer.SendRtp(0x1111, 111, sequence, sequence * 960u, [0xA]);
                bobPeer.SendRtp(0x3333, 111, sequence, sequence * 960u, [0xB]);
                await Task.Delay(20);
            }

            // The participants hear of the five visitors, counted by the nodes and summed by main.
            Assert.True(await WaitForCountAsync(ann, 5), "Ann never saw 5 visitors");
        }
        finally
        {
            foreach (var v in visitors)
            {
                v.Peer.Dispose();
                await v.Client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_killed_visitor_bridge_moves_the_visitor_node_visitors_on_it_and_they_receive_again_within_10_s()
    {
        await using var fleet = await StartFleetAsync(maxVisitorsPerNode: 100);
        await WaitForNodesAsync(fleet);
        await using var ann = await TestClient.ConnectAsync(fleet.MainUrl);
        await ann.JoinAsync(Room, "Ann");
        var (annPeer, _) = await ann.NegotiateAndConnectAsync(publish: true, 0x1111, 0x2222);
        using var _a = annPeer;

        var (viewer, node, _) = await JoinAsVisitorAsync(fleet, "Viewer", askVisitor: true);
        await using var _v = viewer;
        var (peer, bridge) = await viewer.NegotiateAndConnectAsync(publish: false);
        var victim = fleet.Bridges.Single(b => b.Id != "core" && MediaPortOf(fleet, b.Id) == bridge.Port).Id;
        ushort sequence = 0;
        async Task PumpUntilAsync(SimulatedPeer receiver, DateTime deadline)
        {
            var start = receiver.ReceivedRtp.Count;
            while (receiver.ReceivedRtp.Count < start + 5)
            {
                Assert.True(DateTime.UtcNow < deadline, $"no media within the deadline ({receiver.ReceivedRtp.Count - start} packets)");
                sequence++;
                annPeer.SendRtp(0x1111, 111, sequence, sequence * 960u, [0xA]);
                await Task.Delay(20);
            }
        }

        await PumpUntilAsync(peer, DateTime.UtcNow + Wait);
        var killed = DateTime.UtcNow;
        await fleet.KillBridgeAsync(victim);
        peer.Dispose();

        // Main notices the silence, repairs the tree and tells the nodes; the visitor's node moves it and asks for a new offer.
        var reoffer = await viewer.ExpectAsync("reoffer");
        Assert.Equal("bridge-lost", reoffer.GetProperty("reason").GetString());
        var (again, newBridge) = await viewer.NegotiateAndConnectAsync(publish: false);
        using var _again = again;
        Assert.NotEqual(bridge.Port, newBridge.Port);
        await PumpUntilAsync(again, killed + TimeSpan.FromSeconds(10));
        Assert.Contains(node, fleet.Nodes.Select(n => n.Id));
    }

    internal static int MediaPortOf(LocalSignalingFleet fleet, string bridgeId) =>
        fleet.BridgeServices(bridgeId).GetRequiredService<global::Bridge.Transport.MediaSocket>().LocalPort;

    private static HashSet<byte> Markers(SimulatedPeer peer) =>
        [.. peer.ReceivedRtp.ToArray().Select(p => RtpPacket.TryParse(p, out var rtp) && rtp.Payload.Length > 0 ? rtp.Payload[0] : (byte)0)];

    internal static async Task<bool> WaitForCountAsync(TestClient client, int count)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline)
        {
            var message = await client.ExpectAsync("visitors");
            if (message.GetProperty("count").GetInt32() == count)
            {
                return true;
            }
        }

        return false;
    }
}
