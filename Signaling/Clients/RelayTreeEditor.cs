using BridgeRelay.Tree;
using Microsoft.Extensions.Logging;
using Signaling.Bridges;

namespace Signaling.Clients;

/// <summary>
/// Changes rooms' relay trees and keeps the relay links in step: a bridge joins (<see cref="TreePlanner.Add"/>), leaves
/// (<see cref="TreePlanner.Remove"/>, moved bridges relinked), the core is replaced (tree re-planned under the new core), or the
/// room ends (every use given back). Links are created before the stale ones are given back, so a moved bridge has no gap,
/// except where a stale link joins the same pair the other way round (a bridge takes one link per peer). A bridge whose new
/// link cannot be made leaves the room's tree as well, so the tree never shows a bridge that media cannot reach. Methods
/// named <c>…Locked</c> expect the caller to hold the room's <see cref="RoomRelayTree.Gate"/>.
/// </summary>
internal sealed partial class RelayTreeEditor(BridgeRegistry bridges, BridgeApiClient api, RelayLinks links, int fanOut, ILogger<RelayTreeEditor> log)
{
    /// <summary>The control API of <paramref name="bridgeId"/>; throws <see cref="BridgeApiException"/> when it never reported a usable one.</summary>
    public Uri ApiOf(string bridgeId) =>
        bridges.ApiUrlOf(bridgeId) ?? throw new BridgeApiException(null, $"bridge {bridgeId} has no known control API");

    /// <summary>
    /// Makes <paramref name="bridge"/> part of <paramref name="room"/>'s tree rooted at <paramref name="core"/> (creating the tree,
    /// or re-planning it under a replaced core, first). False when the bridge cannot join: it is lost, or another room's tree
    /// links it to its planned parent the other way round. Throws <see cref="BridgeApiException"/> when a bridge call fails.
    /// </summary>
    public async Task<bool> JoinAsync(Room room, string core, string bridge, CancellationToken cancel)
    {
        var tree = room.Tree;
        await tree.Gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            if (tree.Plan is null || tree.Plan.Cores[0] != core)
            {
                await ReplaceCoreLockedAsync(room, core, cancel).ConfigureAwait(false);
            }

            var plan = tree.Plan!;
            if (plan.Contains(bridge))
            {
                tree.NotePlaced(bridge);
                return true;
            }

            if (links.IsLost(bridge))
            {
                return false;
            }

            var next = TreePlanner.Add(plan, bridge, out var change);
            var parent = change.NewParent!;
            if (links.IsReversed(parent, bridge))
            {
                return false;
            }

            // The conference first: a link carries only the conference id, which the child must know before media arrives.
            await api.PutConferenceAsync(ApiOf(bridge), room.ConferenceId, cancel).ConfigureAwait(false);
            await links.AcquireAsync(parent, bridge, cancel).ConfigureAwait(false);
            tree.Links.Add((parent, bridge));
            tree.Plan = next;
            tree.NotePlaced(bridge);
            return true;
        }
        finally
        {
            tree.Gate.Release();
        }
    }

    /// <summary>
    /// Removes the non-core <paramref name="bridge"/> from the room's tree with <see cref="TreePlanner.Remove"/> and relinks the
    /// bridges that move; a bridge that cannot be relinked is removed too. Returns every bridge removed, in order (empty when
    /// <paramref name="bridge"/> was not in the tree or is its core).
    /// </summary>
    public async Task<IReadOnlyList<string>> RemoveLockedAsync(Room room, string bridge, CancellationToken cancel)
    {
        var tree = room.Tree;
        var removed = new List<string>();
        var queue = new Queue<string>([bridge]);
        // Each removal queues at most the fan-out's children plus the filler, and removes one bridge of a finite tree.
        var bound = ((tree.Plan?.Bridges.Count ?? 0) + 1) * (fanOut + 2);
        for (var round = 0; queue.Count > 0 && round < bound; round++)
        {
            var next = queue.Dequeue();
            var plan = tree.Plan;
            if (plan is null || !plan.Contains(next) || plan.Cores.Contains(next))
            {
                continue;
            }

            removed.Add(next);
            foreach (var unlinked in await SyncLockedAsync(room, TreePlanner.Remove(plan, next, out _), cancel).ConfigureAwait(false))
            {
                queue.Enqueue(unlinked);
            }
        }

        return removed;
    }

    /// <summary>The room ended: gives back every link use of its tree and forgets the tree; returns the bridges the tree had.</summary>
    public async Task<IReadOnlyList<string>> ClearLockedAsync(Room room, CancellationToken cancel)
    {
        var tree = room.Tree;
        var had = tree.Plan?.Bridges.ToList() ?? [];
        foreach (var (parent, child) in tree.Links.ToList())
        {
            tree.Links.Remove((parent, child));
            await links.ReleaseAsync(parent, child, cancel).ConfigureAwait(false);
        }

        tree.Plan = null;
        return had;
    }

    /// <summary>
    /// Puts the conference on <paramref name="core"/> and re-plans the room's tree under it with the surviving (not lost) bridges
    /// of the old tree, in their old breadth-first order (the new core leaves their ranks); the old links are given back. A
    /// bridge that cannot be linked leaves the tree; returns those. Throws <see cref="BridgeApiException"/> when the new core cannot be reached.
    /// </summary>
    public async Task<IReadOnlyList<string>> ReplaceCoreLockedAsync(Room room, string core, CancellationToken cancel)
    {
        var plan = room.Tree.Plan;
        await api.PutConferenceAsync(ApiOf(core), room.ConferenceId, cancel).ConfigureAwait(false);
        var survivors = plan?.Bridges.Where(b => !plan.Cores.Contains(b) && b != core && !links.IsLost(b)).ToList() ?? [];
        var removed = new List<string>();
        foreach (var bridge in await SyncLockedAsync(room, TreePlanner.Plan([core], survivors, fanOut), cancel).ConfigureAwait(false))
        {
            removed.AddRange(await RemoveLockedAsync(room, bridge, cancel).ConfigureAwait(false));
        }

        return removed;
    }

    /// <summary>
    /// Makes the room's links match <paramref name="next"/> and installs it: conflicting stale links go first, then the new links
    /// are made (the conference put on each bridge new to the tree), then the other stale links are given back. Returns the
    /// bridges whose link to their parent could not be made.
    /// </summary>
    private async Task<List<string>> SyncLockedAsync(Room room, RelayTree next, CancellationToken cancel)
    {
        var tree = room.Tree;
        var before = tree.Plan;
        var wanted = next.Bridges.Where(b => next.ParentOf(b) is not null).Select(b => (Parent: next.ParentOf(b)!, Child: b)).ToList();
        var stale = tree.Links.Where(l => !wanted.Contains(l)).ToList();
        foreach (var link in stale.Where(l => wanted.Contains((l.Child, l.Parent))))
        {
            await ReleaseLockedAsync(tree, link, cancel).ConfigureAwait(false);
        }

        var unlinked = new List<string>();
        foreach (var (parent, child) in wanted.Where(l => !tree.Links.Contains(l)))
        {
            if (links.IsLost(parent) || links.IsLost(child) || links.IsReversed(parent, child))
            {
                unlinked.Add(child);
                continue;
            }

            try
            {
                if (before is null || !before.Contains(child))
                {
                    await api.PutConferenceAsync(ApiOf(child), room.ConferenceId, cancel).ConfigureAwait(false);
                }

                await links.AcquireAsync(parent, child, cancel).ConfigureAwait(false);
                tree.Links.Add((parent, child));
            }
            catch (BridgeApiException e)
            {
                LogRelinkFailed(log, room.Name.ToString(), parent, child, e.Message);
                unlinked.Add(child);
            }
        }

        foreach (var link in stale.Where(tree.Links.Contains))
        {
            await ReleaseLockedAsync(tree, link, cancel).ConfigureAwait(false);
        }

        tree.Plan = next;
        return unlinked;
    }

    private async Task ReleaseLockedAsync(RoomRelayTree tree, (string Parent, string Child) link, CancellationToken cancel)
    {
        tree.Links.Remove(link);
        await links.ReleaseAsync(link.Parent, link.Child, cancel).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "room {Room}: relay link {Parent} -> {Child} could not be made ({Reason}); the child leaves the room's tree")]
    private static partial void LogRelinkFailed(ILogger logger, string room, string parent, string child, string reason);
}
