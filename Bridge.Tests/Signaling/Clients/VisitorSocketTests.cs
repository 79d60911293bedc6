using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using Bridge.Client;
using Bridge.Rtp;
using Bridge.Tests.Registration;
using Bridge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Signaling.Assignment;
using Signaling.Clients;

namespace Bridge.Tests.Signaling.Clients;

/// <summary>Visitors served by the main node over /ws: receive endpoints on visitor bridges of the room's relay tree, media through the relay hop.</summary>
public class VisitorSocketTests
{
    private const string Room = "acme/town-hall";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly string Conference = BridgeApiClient.ConferenceId(RoomName.Parse(Room));

    [Fact]
    public async Task A_visitor_over_the_threshold_is_placed_on_the_other_bridge_and_receives_the_participant_through_a_relay_link()
    {
        // Every bridge counts as one endpoint of capacity, so the core's own recent add outweighs any CPU noise in the
        // reported stress and the visitor bridge is the other one, whatever the two in-process bridges report.
        // A bridge whose 1 s reports come late on a loaded CI machine must not count as lost here: a loss would drop the
        // link this test checks (loss repair has its own tests).
        await using var signaling = await TestSignaling.StartAsync(o => (o.EndpointPacketsPerSecond, o.MissedReportsBeforeOut) = (1_000_000, 20));
        signaling.Services.GetRequiredService<RoomPolicies>().SetRoom(RoomName.Parse(Room), new RoomPolicyOverride { MaxParticipants = 1 });
        await using var first = await ClientSocketTests.StartBridgeAsync(signaling, "ws-a");
        await using var second = await ClientSocketTests.StartBridgeAsync(signaling, "ws-b");

        await using var ann = await TestClient.ConnectAsync(signaling.Url);
        var annId = (await ann.JoinAsync(Room, "Ann")).GetProperty("you").GetString()!;
        var coreId = signaling.Services.GetRequiredService<BridgeSelector>().CoreOf(RoomName.Parse(Room));
        var (core, edge, edgeId) = coreId == "ws-a" ? (first, second, "ws-b") : (second, first, "ws-a");
        var (annPeer, annBridge) = await ann.NegotiateAndConnectAsync(publish: true);
        using var _a = annPeer;
        Assert.Equal(core.MediaEndPoint.Port, annBridge.Port);
        await core.WaitSecureAsync(Conference, annId);

        // Over the threshold of one seat: joined as visitor, counted, and everyone hears of the count.
        await using var viewer = await TestClient.ConnectAsync(signaling.Url);
        var joined = await viewer.JoinAsync(Room, "Viewer");
        Assert.Equal("visitor", joined.GetProperty("role").GetString());
        Assert.Equal(1, joined.GetProperty("visitorCount").GetInt32());
        Assert.Equal([annId], joined.GetProperty("participants").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        var viewerId = joined.GetProperty("you").GetString()!;
        Assert.Equal(1, (await ann.ExpectAsync("visitors")).GetProperty("count").GetInt32());

        var (viewerPeer, viewerBridge) = await viewer.NegotiateAndConnectAsync(publish: false);
        using var _v = viewerPeer;
        Assert.Equal(edge.MediaEndPoint.Port, viewerBridge.Port);
        await edge.WaitSecureAsync(Conference, viewerId);
        Assert.Null(await core.StateAsync(Conference, viewerId));

        // Ann's media reaches the viewer one relay hop away (subscriptions propagate first, so keep sending until it arrives).
        ushort sequence = 0;
        var deadline = DateTime.UtcNow + Wait;
        while (viewerPeer.ReceivedRtp.Count < 20)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the viewer received {viewerPeer.ReceivedRtp.Count} packets");
            sequence++;
            annPeer.SendRtp(0x1111, 111, sequence, sequence * 960u, [0xA]);
            await Task.Delay(10);
        }

        Assert.All(viewerPeer.ReceivedRtp, p => Assert.True(RtpPacket.TryParse(p, out var rtp) && rtp.Payload[0] == 0xA));

        // One link, made at both ends with the same id: the core sees its child, the edge its parent, and it is up.
        var atCore = Assert.Single((await core.Http.GetFromJsonAsync<JsonElement>("/relays")).EnumerateArray());
        var atEdge = Assert.Single((await edge.Http.GetFromJsonAsync<JsonElement>("/relays")).EnumerateArray());
        Assert.Equal(atCore.GetProperty("id").GetUInt32(), atEdge.GetProperty("id").GetUInt32());
        Assert.Equal((edgeId, "child", "up"), (atCore.GetProperty("peerId").GetString(), atCore.GetProperty("peerRole").GetString(), atCore.GetProperty("state").GetString()));
        Assert.Equal((coreId, "parent", "up"), (atEdge.GetProperty("peerId").GetString(), atEdge.GetProperty("peerRole").GetString(), atEdge.GetProperty("state").GetString()));
        Assert.True(atCore.GetProperty("mediaPacketsOut").GetInt64() > 0);

        // A second visitor (on whichever bridge is less loaded now) needs no second link.
        await using var viewer2 = await TestClient.ConnectAsync(signaling.Url);
        Assert.Equal(2, (await viewer2.JoinAsync(Room, "Viewer 2")).GetProperty("visitorCount").GetInt32());
        Assert.Equal(2, (await ann.ExpectAsync("visitors")).GetProperty("count").GetInt32());
        Assert.Single((await core.Http.GetFromJsonAsync<JsonElement>("/relays")).EnumerateArray());
        Assert.Contains("signaling_joins_total{result=\"visitor\"} 2", await signaling.Http.GetStringAsync("/metrics"), StringComparison.Ordinal);
        Assert.Contains("signaling_participants 1", await signaling.Http.GetStringAsync("/metrics"), StringComparison.Ordinal);

        // The viewer leaves: its endpoint is deleted, the link stays, the count drops (after the 2 s throttle).
        await viewer.SendAsync("""{"v":1,"type":"leave"}""");
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await viewer.ExpectCloseAsync());
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => edge.StateAsync(Conference, viewerId).Result is null or "expired", Wait));
        Assert.Equal(1, (await ann.ExpectAsync("visitors")).GetProperty("count").GetInt32());
        Assert.Single((await edge.Http.GetFromJsonAsync<JsonElement>("/relays")).EnumerateArray());
    }

    [Fact]
    public async Task With_one_bridge_a_visitor_who_asks_to_watch_lands_on_the_core_and_receives_without_a_relay()
    {
        await using var signaling = await TestSignaling.StartAsync();
        await using var bridge = await ClientSocketTests.StartBridgeAsync(signaling, "ws-only");
        await using var ann = await TestClient.ConnectAsync(signaling.Url);
        var annId = (await ann.JoinAsync(Room, "Ann")).GetProperty("you").GetString()!;
        var (annPeer, _) = await ann.NegotiateAndConnectAsync(publish: true);
        using var _a = annPeer;

        await using var viewer = await TestClient.ConnectAsync(signaling.Url);
        var joined = await viewer.JoinAsync(Room, "Viewer", visitor: true);
        Assert.Equal("visitor", joined.GetProperty("role").GetString());
        var viewerId = joined.GetProperty("you").GetString()!;
        var (viewerPeer, viewerBridge) = await viewer.NegotiateAndConnectAsync(publish: false);
        using var _v = viewerPeer;
        Assert.Equal(bridge.MediaEndPoint.Port, viewerBridge.Port);
        await bridge.WaitSecureAsync(Conference, annId, viewerId);

        for (ushort i = 1; i <= 20; i++)
        {
            annPeer.SendRtp(0x1111, 111, i, i * 960u, [0xA]);
        }

        Assert.True(await SimulatedPeer.WaitUntilAsync(() => viewerPeer.ReceivedRtp.Count >= 20, Wait), $"viewer {viewerPeer.ReceivedRtp.Count}");
        Assert.Empty((await bridge.Http.GetFromJsonAsync<JsonElement>("/relays")).EnumerateArray());

        // Asking to watch takes no seat: a second participant still gets one.
        await using var bob = await TestClient.ConnectAsync(signaling.Url);
        Assert.Equal("participant", (await bob.JoinAsync(Room, "Bob")).GetProperty("role").GetString());
    }
}
