using System.Text;
using System.Text.Json;
using Bridge.Client;
using Bridge.Rtp;
using Bridge.Tests.Signaling.Clients;
using Bridge.Tests.Signaling.Tenants;
using Fleet;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Signaling.Tenants;

namespace Bridge.Tests.Signaling.Features;

/// <summary>
/// Acceptance criteria 3 and 5 of the conference features over real WebSockets to an in-process fleet: raised hands,
/// approval and promotion of a visitor on a visitor node to a publishing participant, denial, refusals, the promotion
/// limit and tickets; and the live room holding visitors on two nodes until Go live, then admitting every one of them.
/// </summary>
public class HandFleetTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static Task<LocalSignalingFleet> StartAsync(int nodes, Dictionary<string, TenantOptions> tenants) =>
        LocalSignalingFleet.StartAsync(new FleetOptions
        {
            EndpointPacketsPerSecond = 10_000,
            Bridges = 3,
            VisitorNodes = nodes,
            SignalingPort = 0,
            BridgeApiPort = 0,
            MediaPort = 0,
            MaxParticipants = 2,
            MaxVisitorsPerNode = 100,
            Tenants = tenants,
        });

    [Fact]
    public async Task A_visitor_on_a_node_raises_its_hand_a_later_moderator_approves_and_the_promoted_visitor_publishes_to_the_participant()
    {
        await using var fleet = await StartAsync(2, new() { ["acme"] = new TenantOptions { MaxPromoted = 1 } });
        await using var vera = (await FeatureFleet.VisitorAtAsync(fleet, "v1", "Vera")).Client;
        var (vic, vicId) = await FeatureFleet.VisitorAtAsync(fleet, "v2", "Vic");
        await using var _vic = vic;
        await vera.SendAsync("""{"v":1,"type":"hand.raise"}""");
        // Two nodes' streams are read side by side: the queue order is the order main heard them in.
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => Metric(fleet.MainUrl, "signaling_promotions_total{result=\"requested\"}") == 1, Wait));
        await vic.SendAsync("""{"v":1,"type":"hand.raise"}""");
        // Both hands are on main before any moderator is there.
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => Metric(fleet.MainUrl, "signaling_promotions_total{result=\"requested\"}") == 2, Wait));

        var (ann, _) = await FeatureFleet.ParticipantAsync(fleet, "Ann");
        await using var _ann = ann;
        var hands = await HandsAsync(ann);
        Assert.Equal(["Vera", "Vic"], hands.Select(h => h.Name));
        Assert.Equal(["v1", "v2"], hands.Select(h => h.Node));
        var veraId = hands[0].Id;
        var (annPeer, _) = await ann.NegotiateAndConnectAsync(publish: true, 0x1111, 0x2222);
        using var _annPeer = annPeer;

        // Neither a participant without rights nor a visitor may decide.
        var (bob, _) = await FeatureFleet.ParticipantAsync(fleet, "Bob");
        await using var _bob = bob;
        await bob.SendAsync($$"""{"v":1,"type":"mod.approve","id":"a1","user":"{{veraId}}"}""");
        Assert.Equal("a1", (await bob.ExpectErrorAsync("forbidden", fatal: false)).GetProperty("inReplyTo").GetString());
        await vic.SendAsync($$"""{"v":1,"type":"mod.approve","id":"a2","user":"{{vicId}}"}""");
        await vic.ExpectErrorAsync("forbidden", fatal: false);

        // A denial reaches the other visitor; the queue shrinks.
        await ann.SendAsync($$"""{"v":1,"type":"mod.deny","user":"{{vicId}}"}""");
        await vic.ExpectAsync("hand.denied");
        Assert.Equal(["Vera"], (await HandsAsync(ann)).Select(h => h.Name));

        await ann.SendAsync($$"""{"v":1,"type":"mod.approve","user":"{{veraId}}"}""");
        var promoted = await vera.ExpectAsync("promoted");
        Assert.Empty(await HandsAsync(ann));
        var url = new Uri(promoted.GetProperty("url").GetString()!);
        var ticket = promoted.GetProperty("ticket").GetString()!;
        Assert.Equal(fleet.MainUrl.Port, url.Port);

        // The limit (1 per room here) holds the next approval back.
        await vic.SendAsync("""{"v":1,"type":"hand.raise"}""");
        Assert.Single(await HandsAsync(ann));
        await ann.SendAsync($$"""{"v":1,"type":"mod.approve","id":"a3","user":"{{vicId}}"}""");
        Assert.Contains("promoted as many", (await ann.ExpectErrorAsync("forbidden", fatal: false)).GetProperty("message").GetString(), StringComparison.Ordinal);

        // A forged ticket seats nobody.
        await using (var forger = await TestClient.ConnectAsync(fleet.MainUrl))
        {
            await forger.SendAsync(JoinWithTicket("Vera", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
            await forger.ExpectErrorAsync("forbidden", fatal: true);
        }

        // The promoted browser leaves its node and joins main with the ticket and its name: a participant, publishing.
        await vera.DisposeAsync();
        await using var promotedVera = await TestClient.ConnectAsync(url);
        await promotedVera.SendAsync(JoinWithTicket("Vera", ticket));
        var joined = await promotedVera.ExpectAsync("joined");
        Assert.Equal("participant", joined.GetProperty("role").GetString());
        var (veraPeer, _) = await promotedVera.NegotiateAndConnectAsync(publish: true, 0x5555, 0x6666);
        using var _veraPeer = veraPeer;
        var deadline = DateTime.UtcNow + Wait;
        ushort sequence = 0;
        while (!annPeer.ReceivedRtp.ToArray().Any(p => RtpPacket.TryParse(p, out var rtp) && rtp.Payload.Length > 0 && rtp.Payload[0] == 0xC))
        {
            Assert.True(DateTime.UtcNow < deadline, "the promoted visitor's media never reached Ann");
            sequence++;
            veraPeer.SendRtp(0x5555, 111, sequence, sequence * 960u, [0xC]);
            await Task.Delay(20);
        }

        // The ticket is used up.
        await using var replay = await TestClient.ConnectAsync(url);
        await replay.SendAsync(JoinWithTicket("Vera", ticket));
        await replay.ExpectErrorAsync("forbidden", fatal: true);
    }

    [Fact]
    public async Task A_visitor_whose_token_subject_is_listed_is_promoted_when_it_raises_its_hand()
    {
        const string secret = "corp-secret-0123456789-0123456789-abcdef";
        await using var fleet = await StartAsync(1, new() { ["corp"] = new TenantOptions { JwtSecret = secret, AutoPromote = ["u-17"] } });
        await using var listed = await TestClient.ConnectAsync(fleet.Nodes[0].Url);
        await listed.SendAsync(Tokens.Join("corp/board", "Lee", Token(secret, "u-17"), visitor: true));
        await listed.ExpectAsync("joined");
        await using var other = await TestClient.ConnectAsync(fleet.Nodes[0].Url);
        await other.SendAsync(Tokens.Join("corp/board", "Max", Token(secret, "u-99"), visitor: true));
        await other.ExpectAsync("joined");

        await listed.SendAsync("""{"v":1,"type":"hand.raise"}""");
        Assert.False(string.IsNullOrEmpty((await listed.ExpectAsync("promoted")).GetProperty("ticket").GetString()));
        await other.SendAsync("""{"v":1,"type":"hand.raise"}""");
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => Metric(fleet.MainUrl, "signaling_promotions_total{result=\"requested\"}") == 2, Wait));
        Assert.Equal(1, Metric(fleet.MainUrl, "signaling_promotions_total{result=\"auto\"}"));
        await other.PingAsync("no-promotion");
    }

    [Fact]
    public async Task Live_room_visitors_on_two_nodes_wait_until_go_live_and_then_all_of_them_join_and_receive_media()
    {
        await using var fleet = await StartAsync(2, new() { ["acme"] = new TenantOptions { LiveRoom = true } });
        var visitors = new List<TestClient>();
        try
        {
            for (var i = 0; i < 13; i++)
            {
                var client = await TestClient.ConnectAsync(fleet.Nodes[i % 2].Url);
                visitors.Add(client);
                await client.SendAsync($$"""{"v":1,"type":"join","room":"{{FeatureFleet.Room}}","name":"Viewer {{i}}","visitor":true}""");
                Assert.Equal("the meeting will start soon", (await client.ExpectAsync("waiting")).GetProperty("reason").GetString());
            }

            // Held, not joined: pings are answered, no endpoint exists; one gives up and is simply dropped.
            foreach (var v in visitors)
            {
                await v.PingAsync("held");
            }

            await visitors[0].DisposeAsync();
            visitors.RemoveAt(0);
            Assert.True(await SimulatedPeer.WaitUntilAsync(() => Metric(fleet.Nodes[0].Url, "signaling_waiting_visitors") == 6 && Metric(fleet.Nodes[1].Url, "signaling_waiting_visitors") == 6, Wait));
            Assert.Equal(0, Metric(fleet.Nodes[0].Url, "signaling_visitors{node=\"v1\"}"));

            var (ann, _) = await FeatureFleet.ParticipantAsync(fleet, "Ann");
            await using var _ann = ann;
            Assert.False((await ann.ExpectAsync("live")).GetProperty("live").GetBoolean());
            var (annPeer, _) = await ann.NegotiateAndConnectAsync(publish: true, 0x1111, 0x2222);
            using var _annPeer = annPeer;
            var (bob, _) = await FeatureFleet.ParticipantAsync(fleet, "Bob");
            await using var _bob = bob;
            await bob.SendAsync("""{"v":1,"type":"mod.go-live","id":"g"}""");
            Assert.Equal("g", (await bob.ExpectErrorAsync("forbidden", fatal: false)).GetProperty("inReplyTo").GetString());

            await ann.SendAsync("""{"v":1,"type":"mod.go-live"}""");
            Assert.True((await ann.ExpectAsync("live")).GetProperty("live").GetBoolean());
            var peers = new List<SimulatedPeer>();
            try
            {
                foreach (var v in visitors)
                {
                    Assert.Equal("visitor", (await v.ExpectAsync("joined")).GetProperty("role").GetString());
                    peers.Add((await v.NegotiateAndConnectAsync(publish: false)).Peer);
                }

                // A visitor arriving now is not held.
                await using var late = (await FeatureFleet.VisitorAtAsync(fleet, "v2", "Late")).Client;
                var deadline = DateTime.UtcNow + Wait;
                ushort sequence = 0;
                while (peers.Any(p => p.ReceivedRtp.IsEmpty))
                {
                    Assert.True(DateTime.UtcNow < deadline, $"{peers.Count(p => p.ReceivedRtp.IsEmpty)} of {peers.Count} admitted visitors got no media");
                    sequence++;
                    annPeer.SendRtp(0x1111, 111, sequence, sequence * 960u, [0xA]);
                    await Task.Delay(20);
                }

                Assert.Equal(0, Metric(fleet.Nodes[0].Url, "signaling_waiting_visitors") + Metric(fleet.Nodes[1].Url, "signaling_waiting_visitors"));
            }
            finally
            {
                peers.ForEach(p => p.Dispose());
            }
        }
        finally
        {
            foreach (var v in visitors)
            {
                await v.DisposeAsync();
            }
        }
    }

    private static string JoinWithTicket(string name, string ticket) =>
        $$"""{"v":1,"type":"join","room":"{{FeatureFleet.Room}}","name":"{{name}}","ticket":"{{ticket}}"}""";

    private static async Task<List<(string Id, string Name, string Node)>> HandsAsync(TestClient moderator) =>
        [.. (await moderator.ExpectAsync("hands")).GetProperty("hands").EnumerateArray()
            .Select(h => (h.GetProperty("id").GetString()!, h.GetProperty("name").GetString()!, h.GetProperty("node").GetString()!))];

    private static string Token(string secret, string subject) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["room"] = "*", ["sub"] = subject },
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
        });

    /// <summary>A sample of a node's /metrics by its full name with labels; 0 when absent.</summary>
    private static double Metric(Uri node, string sample)
    {
        using var http = new HttpClient();
        var text = http.GetStringAsync(new Uri(node, "/metrics")).GetAwaiter().GetResult();
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(sample + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(sample.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
