using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Bridge.Api;
using Bridge.Client;
using Bridge.Tests.Registration;
using Bridge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Signaling.Assignment;
using Signaling.Clients;

namespace Bridge.Tests.Signaling.Clients;

/// <summary>The /ws endpoint end to end: real WebSockets to an in-process main node, real bridges registered with it, simulated browsers for media.</summary>
public class ClientSocketTests
{
    private const string Room = "acme/room";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    internal static async Task<TestBridge> StartBridgeAsync(TestSignaling signaling, string id)
    {
        var bridge = await TestBridge.StartAsync(o =>
        {
            o.BridgeId = id;
            o.Region = "eu-west";
            o.SignalingUrl = signaling.Url.ToString();
            o.ReportIntervalSeconds = 1;
        });
        await signaling.WaitForAsync(b => b.ContainsKey(id), TimeSpan.FromSeconds(3));
        return bridge;
    }

    [Fact]
    public async Task Two_participants_join_over_websocket_negotiate_through_signaling_and_receive_each_other()
    {
        await using var signaling = await TestSignaling.StartAsync();
        await using var bridge = await StartBridgeAsync(signaling, "ws-media");
        await using var ann = await TestClient.ConnectAsync(signaling.Url);
        await using var bob = await TestClient.ConnectAsync(signaling.Url);

        var annJoined = await ann.JoinAsync(Room, "Ann");
        Assert.Equal("participant", annJoined.GetProperty("role").GetString());
        Assert.Equal(Room, annJoined.GetProperty("room").GetString());
        var annId = annJoined.GetProperty("you").GetString()!;
        var bobJoined = await bob.JoinAsync(Room, "Bob");
        var bobId = bobJoined.GetProperty("you").GetString()!;
        Assert.NotEqual(annId, bobId);
        Assert.Equal([(annId, "Ann"), (bobId, "Bob")], bobJoined.GetProperty("participants").EnumerateArray().Select(p => (p.GetProperty("id").GetString(), p.GetProperty("name").GetString())));

        // Ann sees her own stage, then the one with Bob.
        Assert.Single((await ann.ExpectAsync("stage")).GetProperty("participants").EnumerateArray());
        Assert.Equal(2, (await ann.ExpectAsync("stage")).GetProperty("participants").GetArrayLength());

        using var annPeer = (await ann.NegotiateAndConnectAsync(publish: true, 0x1111, 0x2222)).Peer;
        using var bobPeer = (await bob.NegotiateAndConnectAsync(publish: true, 0x3333, 0x4444)).Peer;
        var conference = BridgeApiClient.ConferenceId(RoomName.Parse(Room));
        await bridge.WaitSecureAsync(conference, annId, bobId);
        // Their endpoints carry their places on the stage, which the bridge ranks their sources by.
        Assert.Equal(1, (await bridge.Http.GetFromJsonAsync<EndpointInfo>($"/conferences/{conference}/endpoints/{annId}"))!.Order);
        Assert.Equal(2, (await bridge.Http.GetFromJsonAsync<EndpointInfo>($"/conferences/{conference}/endpoints/{bobId}"))!.Order);

        for (ushort i = 1; i <= 20; i++)
        {
            annPeer.SendRtp(0x1111, 111, i, i * 960u, [0xA]);
            annPeer.SendRtp(0x2222, 96, i, i * 3000u, [0xA]);
            bobPeer.SendRtp(0x3333, 111, i, i * 960u, [0xB]);
            bobPeer.SendRtp(0x4444, 96, i, i * 3000u, [0xB]);
        }

        Assert.True(await SimulatedPeer.WaitUntilAsync(() => annPeer.ReceivedRtp.Count >= 40 && bobPeer.ReceivedRtp.Count >= 40, Wait), $"ann {annPeer.ReceivedRtp.Count}, bob {bobPeer.ReceivedRtp.Count}");
        Assert.All(annPeer.ReceivedRtp, p => Assert.True(Bridge.Rtp.RtpPacket.TryParse(p, out var rtp) && rtp.Payload[0] == 0xB));
        Assert.All(bobPeer.ReceivedRtp, p => Assert.True(Bridge.Rtp.RtpPacket.TryParse(p, out var rtp) && rtp.Payload[0] == 0xA));

        var metrics = await signaling.Http.GetStringAsync("/metrics");
        Assert.Contains("signaling_participants 2", metrics, StringComparison.Ordinal);
        Assert.Contains("signaling_joins_total{result=\"participant\"} 2", metrics, StringComparison.Ordinal);

        // Bob leaves: closed with 1000, his bridge endpoint is deleted, Ann's stage shows her alone.
        await bob.SendAsync("""{"v":1,"type":"leave"}""");
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await bob.ExpectCloseAsync());
        var stage = await ann.ExpectAsync("stage");
        Assert.Equal([annId], stage.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => bridge.StateAsync(conference, bobId).Result is null or "expired", Wait));
        Assert.Equal("secure", await bridge.StateAsync(conference, annId));
        Assert.Contains("signaling_participants 1", await signaling.Http.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Abusive_clients_get_typed_errors_and_closes_while_a_good_client_in_the_room_is_unaffected()
    {
        await using var signaling = await TestSignaling.StartAsync();
        await using var bridge = await StartBridgeAsync(signaling, "ws-abuse");
        await using var good = await TestClient.ConnectAsync(signaling.Url);
        await good.JoinAsync(Room, "Good");
        await using var rude = await TestClient.ConnectAsync(signaling.Url);
        var rudeId = (await rude.JoinAsync(Room, "Rude")).GetProperty("you").GetString();

        // Malformed and unexpected messages: non-fatal typed errors, the connection stays.
        await rude.SendAsync("{not json");
        await rude.ExpectErrorAsync("bad-json", fatal: false);
        await rude.SendAsync("""{"v":1,"type":"chat.say","id":"c1"}""");
        Assert.Equal("c1", (await rude.ExpectErrorAsync("unknown-type", fatal: false)).GetProperty("inReplyTo").GetString());
        await rude.SendAsync([0x7B, 0x7D], WebSocketMessageType.Binary);
        await rude.ExpectErrorAsync("bad-json", fatal: false);
        await rude.SendAsync("""{"v":1,"type":"join","id":"j2","room":"acme/room","name":"Again"}""");
        await rude.ExpectErrorAsync("already-joined", fatal: false);
        await rude.SendAsync("""{"v":1,"type":"offer","id":"o1","sdp":"v=0 garbage"}""");
        Assert.Equal("sdp", (await rude.ExpectErrorAsync("bad-field", fatal: false)).GetProperty("field").GetString());
        await good.PingAsync("g1");

        // A 1 MiB frame: refused at the frame limit, closed with 1009.
        await using (var huge = await TestClient.ConnectAsync(signaling.Url))
        {
            var sending = huge.SendAsync(new byte[1024 * 1024], WebSocketMessageType.Text);
            Assert.Contains("exceeds the limit of 65536 bytes", (await huge.ExpectErrorAsync("frame-too-large", fatal: true)).GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Equal(WebSocketCloseStatus.MessageTooBig, await huge.ExpectCloseAsync());
            try
            {
                await sending;
            }
            catch (WebSocketException)
            {
                // The server may close before the client finished sending the rest of the megabyte.
            }
        }

        await good.PingAsync("g2");

        // 1,000 pings in a burst: 40 + refills answered, then 50 non-fatal refusals, then a fatal one and 1008.
        await using (var flood = await TestClient.ConnectAsync(signaling.Url))
        {
            var ping = Encoding.UTF8.GetBytes("""{"v":1,"type":"ping"}""");
            for (var i = 0; i < 1000; i++)
            {
                try
                {
                    await flood.SendAsync(ping, WebSocketMessageType.Text);
                }
                catch (WebSocketException)
                {
                    break;
                }
            }

            int pongs = 0, limited = 0;
            while (true)
            {
                var message = await flood.ReceiveAsync();
                var type = message.GetProperty("type").GetString();
                if (type == "pong")
                {
                    pongs++;
                    continue;
                }

                Assert.Equal("error", type);
                Assert.Equal("rate-limited", message.GetProperty("code").GetString());
                if (message.GetProperty("fatal").GetBoolean())
                {
                    break;
                }

                limited++;
            }

            Assert.InRange(pongs, 40, 100);
            Assert.Equal(50, limited);
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, await flood.ExpectCloseAsync());
        }

        // The rude client leaves by closing; the good one keeps its seat, pongs, and sees newcomers join.
        await rude.DisposeAsync();
        await good.PingAsync("g3");
        await using var late = await TestClient.ConnectAsync(signaling.Url);
        var joined = await late.JoinAsync(Room, "Late");
        var names = joined.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("Good", names);
        Assert.Contains("Late", names);
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => bridge.StateAsync(BridgeApiClient.ConferenceId(RoomName.Parse(Room)), rudeId!).Result is null or "expired", Wait));
        await good.PingAsync("g4");
    }

    [Fact]
    public async Task Without_a_registered_bridge_a_join_gets_a_fatal_internal_error_and_1011()
    {
        await using var signaling = await TestSignaling.StartAsync();
        await using var client = await TestClient.ConnectAsync(signaling.Url);
        await client.SendAsync("""{"v":1,"type":"join","id":"j1","room":"acme/room","name":"Ann"}""");
        var error = await client.ExpectErrorAsync("internal", fatal: true);
        Assert.Equal("j1", error.GetProperty("inReplyTo").GetString());
        Assert.Equal(WebSocketCloseStatus.InternalServerError, await client.ExpectCloseAsync());
        Assert.Contains("signaling_joins_total{result=\"internal\"} 1", await signaling.Http.GetStringAsync("/metrics"), StringComparison.Ordinal);

        // The seat was given back: with a bridge the same room admits a participant again.
        signaling.Services.GetRequiredService<RoomPolicies>().SetRoom(RoomName.Parse(Room), new RoomPolicyOverride { MaxParticipants = 1, VisitorsEnabled = false });
        await using var bridge = await StartBridgeAsync(signaling, "ws-late");
        await using var ann = await TestClient.ConnectAsync(signaling.Url);
        await ann.JoinAsync(Room, "Ann");
    }

    [Fact]
    public async Task A_full_room_without_visitors_refuses_with_room_full_and_asking_to_watch_gets_visitors_disabled()
    {
        await using var signaling = await TestSignaling.StartAsync();
        signaling.Services.GetRequiredService<RoomPolicies>().SetRoom(RoomName.Parse(Room), new RoomPolicyOverride { MaxParticipants = 1, VisitorsEnabled = false });
        await using var bridge = await StartBridgeAsync(signaling, "ws-full");
        await using var ann = await TestClient.ConnectAsync(signaling.Url);
        await ann.JoinAsync(Room, "Ann");

        await using var bob = await TestClient.ConnectAsync(signaling.Url);
        await bob.SendAsync("""{"v":1,"type":"join","room":"acme/room","name":"Bob"}""");
        await bob.ExpectErrorAsync("room-full", fatal: true);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await bob.ExpectCloseAsync());

        await using var viewer = await TestClient.ConnectAsync(signaling.Url);
        await viewer.SendAsync("""{"v":1,"type":"join","room":"acme/room","name":"Viewer","visitor":true}""");
        await viewer.ExpectErrorAsync("visitors-disabled", fatal: true);
        await ann.PingAsync("still-here");
        var metrics = await signaling.Http.GetStringAsync("/metrics");
        Assert.Contains("signaling_joins_total{result=\"room-full\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("signaling_joins_total{result=\"visitors-disabled\"} 1", metrics, StringComparison.Ordinal);
    }
}
