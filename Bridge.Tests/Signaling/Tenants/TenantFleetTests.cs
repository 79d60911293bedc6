using System.Net.WebSockets;
using System.Text.Json;
using Bridge.Client;
using Bridge.Rtp;
using Bridge.Tests.Signaling.Clients;
using Bridge.Tests.Signaling.Nodes;
using Fleet;
using Microsoft.Extensions.DependencyInjection;
using Signaling.Assignment;
using Signaling.Clients;
using Signaling.Tenants;

namespace Bridge.Tests.Signaling.Tenants;

/// <summary>
/// Tenants in the whole control plane in one process (main, two visitor nodes, three bridges, real WebSockets, simulated
/// browsers): two tenants with the same room name share nothing, and a secured tenant's token is checked on the visitor node too.
/// </summary>
public class TenantFleetTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private static Task<LocalSignalingFleet> StartFleetAsync(Dictionary<string, TenantOptions>? tenants = null) =>
        LocalSignalingFleet.StartAsync(new FleetOptions
        {
            // As in VisitorNodeFleetTests: placement follows the adds, visitors go to the visitor bridges.
            EndpointPacketsPerSecond = 10_000,
            Bridges = 3,
            VisitorNodes = 2,
            SignalingPort = 0,
            BridgeApiPort = 0,
            MediaPort = 0,
            MaxParticipants = 1,
            MaxVisitorsPerNode = 100,
            Tenants = tenants ?? [],
        });

    [Fact]
    public async Task Two_tenants_with_the_same_room_name_share_no_roster_no_media_no_chat_and_no_visitor_count()
    {
        await using var fleet = await StartFleetAsync();
        await VisitorNodeFleetTests.WaitForNodesAsync(fleet);
        const string a = "acme/webinar", b = "globex/webinar";

        await using var ann = await TestClient.ConnectAsync(fleet.MainUrl);
        await using var bob = await TestClient.ConnectAsync(fleet.MainUrl);
        var annJoined = await ann.JoinAsync(a, "Ann");
        var bobJoined = await bob.JoinAsync(b, "Bob");

        // Each is alone in its room, and each is its own room's first participant, so its moderator.
        Assert.Equal(["Ann"], Names(annJoined));
        Assert.Equal(["Bob"], Names(bobJoined));
        Assert.True(annJoined.GetProperty("moderator").GetBoolean());
        Assert.True(bobJoined.GetProperty("moderator").GetBoolean());
        var (annPeer, _) = await ann.NegotiateAndConnectAsync(publish: true, 0x1111, 0x2222);
        var (bobPeer, _) = await bob.NegotiateAndConnectAsync(publish: true, 0x3333, 0x4444);
        using var _a = annPeer;
        using var _b = bobPeer;

        // Visitors in the order a, a, b, b (least-loaded placement alternates nodes), then one more of a: each node holds both tenants.
        var visitors = new List<(string Room, TestClient Client, SimulatedPeer Peer)>();
        try
        {
            foreach (var (room, name) in new[] { (a, "A1"), (a, "A2"), (b, "B1"), (b, "B2"), (a, "A3") })
            {
                var (client, _, joined) = await VisitorNodeFleetTests.JoinAsVisitorAsync(fleet, name, room, askVisitor: true);
                Assert.Equal([room == a ? "Ann" : "Bob"], Names(joined));
                Assert.False(joined.GetProperty("moderator").GetBoolean());
                var (peer, _) = await client.NegotiateAndConnectAsync(publish: false);
                visitors.Add((room, client, peer));
            }

            foreach (var (id, _) in fleet.Nodes)
            {
                var rooms = fleet.NodeServices(id).GetRequiredService<RoomRegistry>().Snapshot().Select(r => r.Name.ToString()).Order();
                Assert.Equal([a, b], rooms);
            }

            // Media: every visitor receives its own tenant's participant, and keeps receiving nothing else.
            ushort sequence = 0;
            var deadline = DateTime.UtcNow + Wait;
            while (visitors.Any(v => Markers(v.Peer).Count == 0))
            {
                Assert.True(DateTime.UtcNow < deadline, "visitors' markers: " + string.Join("; ", visitors.Select(v => $"{v.Room}: {string.Join(",", Markers(v.Peer))}")));
                sequence++;
                annPeer.SendRtp(0x1111, 111, sequence, sequence * 960u, [0xA]);
                bobPeer.SendRtp(0x3333, 111, sequence, sequence * 960u, [0xB]);
                await Task.Delay(20);
            }

            // Some more, so that a leak through a slower path (a relay hop) would have time to show.
            for (var i = 0; i < 25; i++, sequence++)
            {
                annPeer.SendRtp(0x1111, 111, sequence, sequence * 960u, [0xA]);
                bobPeer.SendRtp(0x3333, 111, sequence, sequence * 960u, [0xB]);
                await Task.Delay(20);
            }

            await Task.Delay(500);
            Assert.All(visitors, v => Assert.Equal(new HashSet<byte> { v.Room == a ? (byte)0xA : (byte)0xB }, Markers(v.Peer)));
            Assert.Empty(Markers(annPeer)); // Ann is alone in acme/webinar: nothing of Bob's reaches her, nor he hers
            Assert.Empty(Markers(bobPeer));

            // Visitor counts: 3 and 2, each room its own (summed over both nodes by main).
            Assert.True(await VisitorNodeFleetTests.WaitForCountAsync(ann, 3), "Ann never saw 3 visitors");
            Assert.True(await VisitorNodeFleetTests.WaitForCountAsync(bob, 2), "Bob never saw 2 visitors");
            var mainRooms = fleet.MainServices.GetRequiredService<RoomRegistry>();
            Assert.Equal(3, mainRooms.Find(RoomName.Parse(a))!.Snapshot().Visitors);
            Assert.Equal(2, mainRooms.Find(RoomName.Parse(b))!.Snapshot().Visitors);

            // Roster changes stay in their tenant: Bob's media state reaches globex's visitors, not acme's.
            await bob.SendAsync("""{"v":1,"type":"media","audio":true,"video":false}""");
            foreach (var v in visitors.Where(v => v.Room == b))
            {
                var stage = await StageAsync(v.Client, s => s.GetProperty("participants")[0].GetProperty("audio").GetBoolean());
                Assert.Equal(["Bob"], stage.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
            }

            await ann.SendAsync("""{"v":1,"type":"media","audio":false,"video":true}""");
            foreach (var v in visitors.Where(v => v.Room == a))
            {
                var stage = await StageAsync(v.Client, s => s.GetProperty("participants")[0].GetProperty("video").GetBoolean());
                Assert.Equal(["Ann"], stage.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
            }

            // Chat stays in its tenant: each visitor gets its own room's message, and nothing of the other's.
            await ann.SendAsync("""{"v":1,"type":"chat.send","text":"acme only"}""");
            await bob.SendAsync("""{"v":1,"type":"chat.send","text":"globex only"}""");
            foreach (var v in visitors)
            {
                Assert.Equal(v.Room == a ? "acme only" : "globex only", (await v.Client.ExpectAsync("chat")).GetProperty("text").GetString());
            }

            Assert.Equal("acme only", (await ann.ExpectAsync("chat")).GetProperty("text").GetString());
            Assert.Equal("globex only", (await bob.ExpectAsync("chat")).GetProperty("text").GetString());

            await Task.Delay(500);
            foreach (var client in visitors.Select(v => v.Client).Append(ann).Append(bob))
            {
                await client.SendAsync("""{"v":1,"type":"ping","id":"flush"}""");
                JsonElement message;
                while ((message = await client.ReceiveAsync()).GetProperty("type").GetString() != "pong")
                {
                    Assert.NotEqual("chat", message.GetProperty("type").GetString());
                }
            }

            Assert.Contains("signaling_tenants_active 2", await new HttpClient().GetStringAsync(new Uri(fleet.MainUrl, "/metrics")), StringComparison.Ordinal);
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
    public async Task A_secured_tenants_token_is_checked_at_main_and_again_on_the_visitor_node()
    {
        await using var fleet = await StartFleetAsync(new() { ["acme"] = new TenantOptions { JwtSecret = Tokens.Secret } });
        await VisitorNodeFleetTests.WaitForNodesAsync(fleet);
        const string room = "acme/webinar";

        await using var ann = await TestClient.ConnectAsync(fleet.MainUrl);
        await ann.SendAsync(Tokens.Join(room, "Ann", Tokens.For("webinar", moderator: true)));
        Assert.True((await ann.ExpectAsync("joined")).GetProperty("moderator").GetBoolean());

        // Main refuses a visitor without a token before redirecting it anywhere.
        await using (var noToken = await TestClient.ConnectAsync(fleet.MainUrl))
        {
            await noToken.SendAsync(Tokens.Join(room, "Viewer", null, visitor: true));
            await noToken.ExpectErrorAsync("forbidden", fatal: true);
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, await noToken.ExpectCloseAsync());
        }

        // A valid token gets the redirect; the node it names checks what the client sends there itself.
        var token = Tokens.For("webinar", moderator: true);
        Uri nodeUrl;
        await using (var atMain = await TestClient.ConnectAsync(fleet.MainUrl))
        {
            await atMain.SendAsync(Tokens.Join(room, "Viewer", token, visitor: true));
            var redirect = await atMain.ExpectAsync("redirect");
            nodeUrl = new UriBuilder(new Uri(redirect.GetProperty("url").GetString()!)) { Scheme = "http", Path = "/" }.Uri;
        }

        foreach (var (bad, why) in new[]
        {
            ((string?)null, "this room needs a token"),
            (Tokens.For("other-room"), "the token is not for room acme/webinar"),
            (Tokens.For("webinar", secret: "another-secret-0123456789-0123456789-xyz"), "signature"),
            (Tokens.For("webinar", issued: DateTimeOffset.UtcNow.AddHours(-3)), "expired"),
        })
        {
            await using var client = await TestClient.ConnectAsync(nodeUrl);
            await client.SendAsync(Tokens.Join(room, "Viewer", bad, visitor: true));
            var error = await client.ExpectErrorAsync("forbidden", fatal: true);
            Assert.Contains(why, error.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.ExpectCloseAsync());
        }

        await using var viewer = await TestClient.ConnectAsync(nodeUrl);
        await viewer.SendAsync(Tokens.Join(room, "Viewer", token, visitor: true));
        var joined = await viewer.ExpectAsync("joined");
        Assert.Equal("visitor", joined.GetProperty("role").GetString());
        Assert.True(joined.GetProperty("moderator").GetBoolean()); // the node honours the claim too
        Assert.Equal(["Ann"], Names(joined));

        // An open tenant on the same fleet needs nothing.
        await using var open = await TestClient.ConnectAsync(fleet.MainUrl);
        Assert.Equal("participant", (await open.JoinAsync("globex/webinar", "Gus")).GetProperty("role").GetString());
    }

    private static string[] Names(JsonElement joined) => [.. joined.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("name").GetString()!)];

    private static HashSet<byte> Markers(SimulatedPeer peer) =>
        [.. peer.ReceivedRtp.ToArray().Select(p => RtpPacket.TryParse(p, out var rtp) && rtp.Payload.Length > 0 ? rtp.Payload[0] : (byte)0)];

    /// <summary>The next <c>stage</c> that satisfies <paramref name="done"/>, skipping others.</summary>
    private static async Task<JsonElement> StageAsync(TestClient client, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var stage = await client.ExpectAsync("stage");
            if (stage.GetProperty("participants").GetArrayLength() > 0 && done(stage))
            {
                return stage;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no such stage, last {stage}");
        }
    }
}
