using Bridge.Client;
using Bridge.Tests.Signaling.Clients;
using Microsoft.Extensions.DependencyInjection;
using Signaling.Assignment;
using Signaling.Clients;
using static Bridge.Tests.Signaling.Nodes.VisitorNodeFleetTests;

namespace Bridge.Tests.Signaling.Nodes;

/// <summary>
/// Idle-branch pruning in a room whose visitors are on visitor nodes: the nodes report their visitors per bridge, so main
/// takes out exactly the visitor bridges nobody watches from, and keeps those that node visitors use.
/// </summary>
public sealed class NodeIdleBranchTests
{
    private const string Room = "acme/branches";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_visitor_bridge_left_by_the_nodes_visitors_leaves_the_tree_and_one_they_use_stays()
    {
        await using var fleet = await StartFleetAsync(maxVisitorsPerNode: 100, idleBranchSeconds: 1);
        await WaitForNodesAsync(fleet);
        await using var ann = await TestClient.ConnectAsync(fleet.MainUrl);
        await ann.JoinAsync(Room, "Ann");
        var (annPeer, _) = await ann.NegotiateAndConnectAsync(publish: true, 0x1111, 0x2222);
        using var _a = annPeer;
        var room = fleet.MainServices.GetRequiredService<RoomRegistry>().Find(RoomName.Parse(Room))!;

        // Two watchers through the nodes; placement spreads them over the two visitor bridges.
        var (first, _, _) = await JoinAsVisitorAsync(fleet, "Viewer 1", Room, askVisitor: true);
        var (second, _, _) = await JoinAsVisitorAsync(fleet, "Viewer 2", Room, askVisitor: true);
        await using var _s = second;
        var (firstPeer, firstBridge) = await first.NegotiateAndConnectAsync(publish: false);
        var (secondPeer, secondBridge) = await second.NegotiateAndConnectAsync(publish: false);
        using var _sp = secondPeer;
        Assert.NotEqual(firstBridge.Port, secondBridge.Port);
        var bridgeOf = fleet.Bridges.ToDictionary(b => MediaPortOf(fleet, b.Id), b => b.Id);
        var (leaving, staying) = (bridgeOf[firstBridge.Port], bridgeOf[secondBridge.Port]);
        Assert.Equal(new[] { "core", leaving, staying }.Order(StringComparer.Ordinal), room.Tree.Plan!.Bridges.Order(StringComparer.Ordinal));

        // Many sweeps past the 1 s idle limit: both bridges carry node visitors, so both stay.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Contains(leaving, room.Tree.Plan!.Bridges);
        Assert.Contains(staying, room.Tree.Plan.Bridges);

        // The first watcher goes: its bridge leaves the tree, the other's stays, and the other keeps receiving.
        firstPeer.Dispose();
        await first.DisposeAsync();
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => !room.Tree.Plan!.Contains(leaving), Wait), $"{leaving} stayed in the tree without visitors");
        Assert.Contains(staying, room.Tree.Plan!.Bridges);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Contains(staying, room.Tree.Plan!.Bridges);
        ushort sequence = 0;
        var before = secondPeer.ReceivedRtp.Count;
        Assert.True(await SimulatedPeer.WaitUntilAsync(() =>
        {
            annPeer.SendRtp(0x1111, 111, ++sequence, sequence * 960u, [0xA]);
            return secondPeer.ReceivedRtp.Count > before;
        }, Wait), "the remaining watcher stopped receiving");
    }
}
