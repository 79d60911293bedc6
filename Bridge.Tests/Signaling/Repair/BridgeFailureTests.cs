using System.Net.Http.Json;
using Bridge.Api;
using Bridge.Tests.Signaling.Clients;
using Microsoft.Extensions.DependencyInjection;
using Signaling.Assignment;
using Signaling.Clients;

namespace Bridge.Tests.Signaling.Repair;

/// <summary>
/// A bridge of a live room dies (its host is disposed): the main node notices within MissedReportsBeforeOut report intervals,
/// re-plans the room's relay tree, moves the endpoints that were on it and sends their clients <c>reoffer</c>; media flows again
/// within 10 s of the kill. Real WebSockets, real in-process bridges, simulated browsers.
/// </summary>
public class BridgeFailureTests
{
    private const string Room = "acme/repair";
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(10);
    private static readonly string Conference = BridgeApiClient.ConferenceId(RoomName.Parse(Room));

    [Fact]
    public async Task A_killed_visitor_bridge_leaves_the_tree_its_visitors_reoffer_and_its_child_is_relinked_to_the_core_all_receiving_within_10_s()
    {
        // Fan-out 2: the third visitor bridge hangs under the first, so losing the first moves it (the filler rule).
        await using var fleet = await RepairFleet.StartAsync(o => o.RelayFanOut = 2, "rp-a", "rp-b", "rp-c", "rp-d");
        var room = RoomName.Parse(Room);
        fleet.Signaling.Services.GetService<RoomPolicies>()!.SetRoom(room, new RoomPolicyOverride { MaxParticipants = 1 });

        await using var ann = await TestClient.ConnectAsync(fleet.Signaling.Url);
        var annId = (await ann.JoinAsync(Room, "Ann")).GetProperty("you").GetString()!;
        var (annPeer, annBridge) = await ann.NegotiateAndConnectAsync(publish: true);
        using var _a = annPeer;
        var core = fleet.IdOf(annBridge);
        await fleet[core].WaitSecureAsync(Conference, annId);
        await using var publisher = new Publisher(annPeer);

        // Three visitors, each placed on the least loaded bridge: one per visitor bridge, attached in that order.
        var viewers = await Viewer.JoinAsync(fleet, Room, 3);

        try
        {
            var tree = fleet.Rooms.All().Single().Tree;
            var first = viewers[0].Bridge;
            Assert.Equal([first, viewers[1].Bridge], tree.Plan!.ChildrenOf(core));
            Assert.Equal([viewers[2].Bridge], tree.Plan.ChildrenOf(first));
            var (doomed, survivor, moved) = (viewers[0], viewers[1], viewers[2]);
            foreach (var viewer in viewers)
            {
                await Viewer.ReceivesAsync(viewer.Peer, 0, 20, Recovery, viewer.Id);
            }

            var clock = await fleet.KillAsync(doomed.Bridge);
            var movedBefore = moved.Peer.ReceivedRtp.Count;

            // The doomed bridge's visitor is told to offer again and gets media on its new endpoint.
            var reoffer = await doomed.Client.ExpectAsync("reoffer");
            Assert.Equal(BridgeLossHandler.ReofferReason, reoffer.GetProperty("reason").GetString());
            var (fresh, freshBridge) = await doomed.Client.NegotiateAndConnectAsync(publish: false);
            using var _f = fresh;
            Assert.NotEqual(doomed.Bridge, fleet.IdOf(freshBridge));
            await Viewer.ReceivesAsync(fresh, 0, 20, Recovery - clock.Elapsed, "the moved visitor");

            // The orphaned bridge's visitor keeps its endpoint and receives again through its new link to the core.
            await Viewer.ReceivesAsync(moved.Peer, movedBefore, 20, Recovery - clock.Elapsed, "the relinked bridge's visitor");
            var survivorBefore = survivor.Peer.ReceivedRtp.Count;
            await Viewer.ReceivesAsync(survivor.Peer, survivorBefore, 20, Recovery, "the untouched bridge's visitor");

            Assert.False(tree.Plan!.Contains(doomed.Bridge));
            Assert.Equal(core, tree.Plan.ParentOf(moved.Bridge));
            Assert.Equal(new[] { (moved.Bridge, "child"), (survivor.Bridge, "child") }.OrderBy(r => r.Item1, StringComparer.Ordinal), await fleet.RelaysAsync(core));
            Assert.Equal([(core, "parent")], await fleet.RelaysAsync(moved.Bridge));
            Assert.DoesNotContain(fleet.Links.Snapshot(), l => l.Parent == doomed.Bridge || l.Child == doomed.Bridge);

            var metrics = await fleet.MetricsAsync();
            Assert.Contains("signaling_bridge_losses_total 1", metrics, StringComparison.Ordinal);
            Assert.Contains("signaling_endpoints_moved_total{role=\"visitor\"} 1", metrics, StringComparison.Ordinal);
            Assert.Contains("signaling_tree_repairs_total 1", metrics, StringComparison.Ordinal);
            Assert.Contains("signaling_bridges{state=\"out\"} 1", metrics, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var viewer in viewers)
            {
                viewer.Peer.Dispose();
                await viewer.Client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_killed_core_is_replaced_the_participant_reoffers_and_publishes_there_and_visitors_receive_again_within_10_s()
    {
        await using var fleet = await RepairFleet.StartAsync(null, "rc-a", "rc-b", "rc-c");
        var room = RoomName.Parse(Room);
        fleet.Signaling.Services.GetService<RoomPolicies>()!.SetRoom(room, new RoomPolicyOverride { MaxParticipants = 1 });

        await using var ann = await TestClient.ConnectAsync(fleet.Signaling.Url);
        var annId = (await ann.JoinAsync(Room, "Ann")).GetProperty("you").GetString()!;
        var (annPeer, annBridge) = await ann.NegotiateAndConnectAsync(publish: true);
        using var _a = annPeer;
        var core = fleet.IdOf(annBridge);
        await fleet[core].WaitSecureAsync(Conference, annId);
        await using var publisher = new Publisher(annPeer);

        var viewers = await Viewer.JoinAsync(fleet, Room, 2);

        try
        {
            Assert.Equal(2, viewers.Select(v => v.Bridge).Where(b => b != core).Distinct().Count());
            foreach (var viewer in viewers)
            {
                await Viewer.ReceivesAsync(viewer.Peer, 0, 20, Recovery, viewer.Id);
            }

            var clock = await fleet.KillAsync(core);
            var before = viewers.Select(v => v.Peer.ReceivedRtp.Count).ToList();

            // Ann is told to offer again, lands on the new core (one of the visitor bridges) and publishes there.
            Assert.Equal(BridgeLossHandler.ReofferReason, (await ann.ExpectAsync("reoffer")).GetProperty("reason").GetString());
            var (fresh, freshBridge) = await ann.NegotiateAndConnectAsync(publish: true);
            using var _f = fresh;
            var newCore = fleet.IdOf(freshBridge);
            Assert.Equal(newCore, fleet.Selector.CoreOf(room));
            Assert.Contains(newCore, viewers.Select(v => v.Bridge));
            // Her new endpoint keeps her place on the stage.
            Assert.Equal(1, (await fleet[newCore].Http.GetFromJsonAsync<EndpointInfo>($"/conferences/{Conference}/endpoints/{annId}"))!.Order);
            publisher.SwitchTo(fresh);

            // The visitors keep their endpoints (their bridges survived) and receive again: on the new core directly, on the other through its new link.
            for (var i = 0; i < viewers.Count; i++)
            {
                await Viewer.ReceivesAsync(viewers[i].Peer, before[i], 20, Recovery - clock.Elapsed, $"visitor on {viewers[i].Bridge}");
            }

            var other = viewers.Single(v => v.Bridge != newCore).Bridge;
            var plan = fleet.Rooms.All().Single().Tree.Plan!;
            Assert.Equal([newCore], plan.Cores);
            Assert.Equal(newCore, plan.ParentOf(other));
            Assert.False(plan.Contains(core));
            Assert.Equal([(other, "child")], await fleet.RelaysAsync(newCore));
            Assert.Equal([(newCore, "parent")], await fleet.RelaysAsync(other));

            var metrics = await fleet.MetricsAsync();
            Assert.Contains("signaling_endpoints_moved_total{role=\"participant\"} 1", metrics, StringComparison.Ordinal);
            Assert.DoesNotContain("signaling_endpoints_moved_total{role=\"visitor\"} 1", metrics, StringComparison.Ordinal);
            Assert.Contains("signaling_tree_repairs_total 1", metrics, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var viewer in viewers)
            {
                viewer.Peer.Dispose();
                await viewer.Client.DisposeAsync();
            }
        }
    }
}
