using Microsoft.Extensions.DependencyInjection;
using Signaling.Assignment;
using Signaling.Clients;

namespace Bridge.Tests.Signaling.Repair;

/// <summary>
/// The relay tree and link bookkeeping of loss, pruning and room end, driven directly (no clients): rooms entered in the
/// registry, visitor bridges placed with the node's placer, losses handed to the handler; real bridges answer the control API.
/// </summary>
public class TreeBookkeepingTests
{
    private static readonly RoomName Room = RoomName.Parse("acme/books");
    private static readonly string Conference = BridgeApiClient.ConferenceId(Room);

    /// <summary>Enters the room and places one visitor bridge; returns the room, its core and the visitor bridge (another one).</summary>
    private static async Task<(Room Room, string Core, string Edge)> PlaceOneAsync(RepairFleet fleet)
    {
        var room = fleet.Rooms.Enter(Room);
        var placed = await fleet.Signaling.Services.GetRequiredService<VisitorPlacement>().PlaceAsync(room, CancellationToken.None);
        var core = fleet.Selector.CoreOf(Room)!;
        Assert.NotEqual(core, placed.BridgeId);
        Assert.Equal(core, room.Tree.Plan!.ParentOf(placed.BridgeId));
        return (room, core, placed.BridgeId);
    }

    [Fact]
    public async Task Losing_a_bridge_in_no_tree_changes_nothing_and_a_double_loss_is_handled_once()
    {
        await using var fleet = await RepairFleet.StartAsync(null, "bk-a", "bk-b");
        var (room, core, edge) = await PlaceOneAsync(fleet);
        var events = new List<(string Bridge, IReadOnlyList<RoomName> Rooms)>();
        fleet.Losses.BridgeLost += (bridge, rooms) =>
        {
            lock (events)
            {
                events.Add((bridge, rooms));
            }
        };

        // A bridge no room uses (never registered, even): no room repaired, the tree and its link untouched.
        Assert.Empty(await fleet.Losses.LoseAsync("bk-ghost", "test"));
        Assert.Equal([core, edge], room.Tree.Plan!.Bridges);
        Assert.Equal([(edge, "child")], await fleet.RelaysAsync(core));
        Assert.Single(fleet.Links.Snapshot());

        // The edge bridge is lost twice at once: one call repairs the room, the other returns at once; one event, one count.
        var results = await Task.WhenAll(fleet.Losses.LoseAsync(edge, "test"), fleet.Losses.LoseAsync(edge, "test"));
        Assert.Equal([[], [Room]], results.OrderBy(r => r.Count).Select(r => r.ToList()));
        Assert.Equal([("bk-ghost", (IReadOnlyList<RoomName>)[]), (edge, [Room])], events.Select(e => (e.Bridge, e.Rooms)).ToList(), new EventComparer());
        Assert.Equal([core], room.Tree.Plan!.Bridges);
        Assert.Empty(room.Tree.Links);
        Assert.Empty(fleet.Links.Snapshot());
        // The surviving end was deleted at the core; the lost end is not called (it is presumed dead) and keeps its end.
        Assert.Empty(await fleet.RelaysAsync(core));
        Assert.Single(await fleet.RelaysAsync(edge));
        Assert.True(fleet.Links.IsLost(edge));
        Assert.Contains("signaling_bridge_losses_total 2", await fleet.MetricsAsync(), StringComparison.Ordinal);

        // A lost bridge gets no new link: the next placement (the selector holds it failed) stays on the core, and a
        // direct attempt to link it is refused.
        Assert.Equal(core, (await fleet.Signaling.Services.GetRequiredService<VisitorPlacement>().PlaceAsync(room, CancellationToken.None)).BridgeId);
        await Assert.ThrowsAsync<BridgeApiException>(() => fleet.Links.AcquireAsync(core, edge, CancellationToken.None));

        // Back (as the sweep does once it reports unfailed): the end it kept from before the loss is deleted, so the pair links again.
        Assert.True(fleet.Links.Revive(edge));
        Assert.False(fleet.Links.Revive(edge));
        Assert.Equal(1, await fleet.Links.DeleteUnknownEndsAsync(edge, CancellationToken.None));
        Assert.Empty(await fleet.RelaysAsync(edge));
        await fleet.Links.AcquireAsync(core, edge, CancellationToken.None);
        Assert.Equal([(core, "parent")], await fleet.RelaysAsync(edge));
        Assert.Equal(0, await fleet.Links.DeleteUnknownEndsAsync(edge, CancellationToken.None));
        Assert.Single(await fleet.RelaysAsync(edge));
    }

    [Fact]
    public async Task A_loss_during_a_placement_leaves_the_lost_bridge_out_of_the_tree_and_the_visitor_on_the_core()
    {
        await using var fleet = await RepairFleet.StartAsync(null, "bp-a", "bp-b");
        var room = fleet.Rooms.Enter(Room);
        var core = fleet.Selector.ChooseCore(Room).BridgeId;
        var edge = core == "bp-a" ? "bp-b" : "bp-a";

        // The placement has chosen the edge bridge and waits for the room's tree; the loss arrives meanwhile.
        await room.Tree.Gate.WaitAsync();
        var placing = fleet.Signaling.Services.GetRequiredService<VisitorPlacement>().PlaceAsync(room, CancellationToken.None);
        Assert.Equal(1, fleet.Selector.Snapshot().Single(b => b.BridgeId == edge).RecentAdds);
        var losing = fleet.Losses.LoseAsync(edge, "test");
        room.Tree.Gate.Release();

        Assert.Equal(core, (await placing).BridgeId);
        await losing;
        Assert.Equal([core], room.Tree.Plan!.Bridges);
        Assert.Empty(fleet.Links.Snapshot());
        Assert.Empty(await fleet.RelaysAsync(edge));
        Assert.Empty(await fleet.RelaysAsync(core));
    }

    [Fact]
    public async Task Link_uses_are_counted_the_last_release_deletes_both_ends_and_an_unknown_release_is_ignored()
    {
        await using var fleet = await RepairFleet.StartAsync(null, "bl-a", "bl-b");
        await fleet.Links.AcquireAsync("bl-a", "bl-b", CancellationToken.None);
        await fleet.Links.AcquireAsync("bl-a", "bl-b", CancellationToken.None);
        Assert.Equal(2, Assert.Single(fleet.Links.Snapshot()).Users);
        Assert.True(fleet.Links.IsReversed("bl-b", "bl-a"));

        await fleet.Links.ReleaseAsync("bl-a", "bl-b", CancellationToken.None);
        Assert.Equal([("bl-b", "child")], await fleet.RelaysAsync("bl-a"));
        await fleet.Links.ReleaseAsync("bl-b", "bl-a", CancellationToken.None);
        await fleet.Links.ReleaseAsync("bl-a", "bl-b", CancellationToken.None);
        Assert.Empty(fleet.Links.Snapshot());
        Assert.Empty(await fleet.RelaysAsync("bl-a"));
        Assert.Empty(await fleet.RelaysAsync("bl-b"));

        // A released pair may be linked again, either way round; an unknown bridge is refused and leaves nothing behind.
        await fleet.Links.AcquireAsync("bl-b", "bl-a", CancellationToken.None);
        Assert.Equal([("bl-b", "parent")], await fleet.RelaysAsync("bl-a"));
        await Assert.ThrowsAsync<BridgeApiException>(() => fleet.Links.AcquireAsync("bl-a", "bl-nowhere", CancellationToken.None));
        Assert.Single(fleet.Links.Snapshot());
    }

    [Fact]
    public async Task An_idle_visitor_bridge_leaves_the_tree_with_its_link_and_conference_and_an_ended_room_leaves_its_core()
    {
        await using var fleet = await RepairFleet.StartAsync(o => o.IdleBranchSeconds = 1, "bi-a", "bi-b");
        var (room, core, edge) = await PlaceOneAsync(fleet);
        Assert.Contains(Conference, await fleet.ConferencesAsync(edge));

        // Nobody is on the edge bridge: within a few sweeps it leaves the tree, the link goes at both ends, the conference too.
        Assert.True(await Bridge.Client.SimulatedPeer.WaitUntilAsync(() => !room.Tree.Plan!.Contains(edge), TimeSpan.FromSeconds(8)), "the idle bridge stayed in the tree");
        // The plan changes first; the prune deletes the conference and counts before it lets go of the tree's gate.
        await room.Tree.Gate.WaitAsync();
        room.Tree.Gate.Release();
        Assert.Equal([core], room.Tree.Plan!.Bridges);
        Assert.Empty(fleet.Links.Snapshot());
        Assert.Empty(await fleet.RelaysAsync(core));
        Assert.Empty(await fleet.RelaysAsync(edge));
        Assert.DoesNotContain(Conference, await fleet.ConferencesAsync(edge));
        Assert.Contains("signaling_idle_branches_removed_total 1", await fleet.MetricsAsync(), StringComparison.Ordinal);

        // The room's last user goes: its conference is deleted on the core as well.
        Assert.Contains(Conference, await fleet.ConferencesAsync(core));
        fleet.Rooms.Exit(room);
        Assert.True(await Bridge.Client.SimulatedPeer.WaitUntilAsync(() => !fleet.ConferencesAsync(core).Result.Contains(Conference), TimeSpan.FromSeconds(5)), "the ended room's conference stayed on its core");
        Assert.Null(room.Tree.Plan);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3601)]
    public void An_idle_branch_time_out_of_range_is_refused_naming_the_key(int seconds)
    {
        var result = new global::Signaling.Hosting.SignalingOptionsValidator().Validate(null, new global::Signaling.Hosting.SignalingOptions { IdleBranchSeconds = seconds });
        Assert.Equal([$"Signaling:IdleBranchSeconds must be 1..3600, got {seconds}"], result.Failures);
    }

    private sealed class EventComparer : IEqualityComparer<(string Bridge, IReadOnlyList<RoomName> Rooms)>
    {
        public bool Equals((string Bridge, IReadOnlyList<RoomName> Rooms) x, (string Bridge, IReadOnlyList<RoomName> Rooms) y) =>
            x.Bridge == y.Bridge && x.Rooms.SequenceEqual(y.Rooms);

        public int GetHashCode((string Bridge, IReadOnlyList<RoomName> Rooms) obj) => obj.Bridge.GetHashCode(StringComparison.Ordinal);
    }
}
