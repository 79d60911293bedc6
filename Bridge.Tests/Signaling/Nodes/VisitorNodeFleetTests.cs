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

    internal static Task<LocalSignalingFleet> StartFleetAsync(int maxVisitorsPerNode = 3, int bridges = 3) =>
        LocalSignalingFleet.StartAsync(new FleetOptions
        {
            // One endpoint outweighs the packet-rate noise in the bridges' reported stress, so placement follows the adds.
            EndpointPacketsPerSecond = 1_000_000,
            Bridges = bridges,
            VisitorNodes = 2,
            SignalingPort = 0,
            BridgeApiPort = 0,
            MediaPort = 0,
            MaxParticipants = 2,
            MaxVisitorsPerNode = maxVisitorsPerNode,
        });

    /// <summary>Waits until main has heard both visitor nodes' heartbeats (before that it serves visitors itself).</summary>
    internal static async Task WaitForNodesAsync(LocalSignalingFleet fleet)
    {
        var selector = fleet.MainServices.GetRequiredService<VisitorNodeSelector>();
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => selector.Snapshot().Count(n => !n.Stale) == fleet.Nodes.Count, Wait),
            "the visitor nodes never reported to main");
    }

    /// <summary>Joins at main, follows the redirect to a visitor node and joins there; returns the client, its node and the joined message.</summary>
    internal static async Task<(TestClient Client, string Node, JsonElement Joined)> JoinAsVisitorAsync(LocalSignalingFleet fleet, string name, string room = Room)
    {
        await using (var atMain = await TestClient.ConnectAsync(fleet.MainUrl))
        {
            await atMain.SendAsync($$"""{"v":1,"type":"join","id":"j","room":"{{room}}","name":"{{name}}"}""");
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
