using Microsoft.Extensions.Logging;
using Signaling.Assignment;
using Signaling.Bridges;
using Signaling.Hosting;

namespace Signaling.Clients;

/// <summary>
/// Repairs this node's rooms when a bridge is lost (docs/signaling.md, "Bridge loss and repair"): the relay links ending at it
/// are dropped, every room tree holding it is re-planned (a visitor bridge leaves with <c>TreePlanner.Remove</c> and the moved
/// bridges are relinked; a lost core is replaced and the tree re-planned under the new one), and every member whose endpoint was
/// on it gets a new endpoint and <c>reoffer</c>. A loss is handled once until the bridge comes back; repairs are serialized.
/// Driven by <see cref="Hosting.BridgeSweeper"/> every report interval, which also prunes idle visitor bridges from the trees.
/// </summary>
public sealed partial class BridgeLossHandler : IDisposable
{
    /// <summary>The <c>reason</c> of the <c>reoffer</c> sent to moved clients.</summary>
    public const string ReofferReason = "bridge-lost";

    /// <summary>How many endpoints of visitors are moved at once: a bridge of 2,000 visitors is emptied in parallel, not one by one.</summary>
    private const int MoveParallelism = 16;

    private readonly RoomRegistry _rooms;
    private readonly BridgeRegistry _bridges;
    private readonly BridgeApiClient _api;
    private readonly RelayLinks _links;
    private readonly RelayTreeEditor _trees;
    private readonly SignalingMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly TimeSpan _idleLimit;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<(Room Room, string Bridge), long> _idleSince = [];

    internal BridgeLossHandler(
        RoomRegistry rooms,
        BridgeRegistry bridges,
        BridgeApiClient api,
        RelayLinks links,
        RelayTreeEditor trees,
        SignalingMetrics metrics,
        TimeProvider time,
        TimeSpan idleLimit,
        ILogger<BridgeLossHandler> log)
    {
        _rooms = rooms;
        _bridges = bridges;
        _api = api;
        _links = links;
        _trees = trees;
        _metrics = metrics;
        _time = time;
        _idleLimit = idleLimit;
        _log = log;
        rooms.Ended += OnRoomEnded;
    }

    /// <summary>
    /// Raised once per loss, after the repair, with the bridge id and the rooms of this node that used it (for telling
    /// visitor nodes). Raised under the handler's gate: subscribers must not block or call back into the handler.
    /// </summary>
    public event Action<string, IReadOnlyList<RoomName>>? BridgeLost;

    /// <summary>
    /// Handles the loss of <paramref name="bridgeId"/> (<paramref name="cause"/> is for the log): takes it out of selection,
    /// drops its relay links, repairs every room of this node that used it and returns those rooms. A bridge already lost
    /// returns empty at once: a loss is handled once until the bridge reports again.
    /// </summary>
    public async Task<IReadOnlyList<RoomName>> LoseAsync(string bridgeId, string cause, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(bridgeId);
        // Marked before waiting for the gate, so a placement running meanwhile already avoids the bridge.
        if (!_links.MarkLost(bridgeId))
        {
            return [];
        }

        try
        {
            _bridges.Selector.MarkFailed(bridgeId);
        }
        catch (AssignmentException)
        {
            // Swept out of the selector already (or never registered): it cannot be chosen anyway.
        }

        _metrics.CountBridgeLoss();
        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            var dropped = await _links.DropLinksOfAsync(bridgeId, cancel).ConfigureAwait(false);
            var repaired = new List<RoomName>();
            int participants = 0, visitors = 0;
            foreach (var room in _rooms.All())
            {
                var (used, movedParticipants, movedVisitors) = await RepairRoomAsync(room, bridgeId, cancel).ConfigureAwait(false);
                if (used)
                {
                    repaired.Add(room.Name);
                    participants += movedParticipants;
                    visitors += movedVisitors;
                }
            }

            LogLoss(_log, bridgeId, cause, dropped, repaired.Count == 0 ? "none" : string.Join(", ", repaired), participants, visitors);
            BridgeLost?.Invoke(bridgeId, repaired);
            return repaired;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Moves every member of this node's rooms whose endpoint is on <paramref name="bridgeId"/> to a new endpoint and sends it
    /// <c>reoffer</c>, without touching trees or links (a visitor node does this when main reports the bridge lost).
    /// </summary>
    public async Task MoveMembersAsync(string bridgeId)
    {
        ArgumentNullException.ThrowIfNull(bridgeId);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var room in _rooms.All())
            {
                await MoveMembersOfAsync(room, [bridgeId], CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// One sweep: handles the bridges <paramref name="swept"/> out and the ones the selector holds failed, forgets the losses
    /// of bridges that report again, repairs what a placement or join put on a lost bridge while it was being repaired, and
    /// removes visitor bridges idle for the configured time from their rooms' trees.
    /// </summary>
    public async Task TickAsync(IReadOnlyList<BridgeLoss> swept, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(swept);
        foreach (var loss in swept)
        {
            await LoseAsync(loss.BridgeId, "silent", cancel).ConfigureAwait(false);
        }

        foreach (var load in _bridges.Selector.Snapshot())
        {
            if (load.Failed)
            {
                await LoseAsync(load.BridgeId, "failed", cancel).ConfigureAwait(false);
            }
            else if (load.Alive && _links.Revive(load.BridgeId))
            {
                await ReviveAsync(load.BridgeId, cancel).ConfigureAwait(false);
            }
        }

        await _gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            await RescanLockedAsync(cancel).ConfigureAwait(false);
            await PruneIdleLockedAsync(cancel).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _rooms.Ended -= OnRoomEnded;
        _gate.Dispose();
    }

    /// <summary>A lost bridge reports again, alive and not failed: the link ends it kept from before its loss are deleted, so it can be linked again.</summary>
    private async Task ReviveAsync(string bridgeId, CancellationToken cancel)
    {
        try
        {
            var stale = await _links.DeleteUnknownEndsAsync(bridgeId, cancel).ConfigureAwait(false);
            LogBack(_log, bridgeId, stale);
        }
        catch (BridgeApiException e)
        {
            // Its next link to a peer it still has an end for is refused (409); the placement then fails and the join is retried.
            LogBackUncleaned(_log, bridgeId, e.Message);
        }
    }

    /// <summary>Repairs one room's tree for the lost bridge and moves its members off it; whether the room used it, and the moves.</summary>
    private async Task<(bool Used, int Participants, int Visitors)> RepairRoomAsync(Room room, string lost, CancellationToken cancel)
    {
        var tree = room.Tree;
        var leaving = new List<string> { lost };
        var used = false;
        await tree.Gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            var plan = tree.Plan;
            if (plan is not null && plan.Contains(lost))
            {
                used = true;
                if (plan.Cores.Contains(lost))
                {
                    leaving.AddRange(await ReplaceCoreLockedAsync(room, cancel).ConfigureAwait(false));
                }
                else
                {
                    leaving.AddRange(await _trees.RemoveLockedAsync(room, lost, cancel).ConfigureAwait(false));
                }

                _metrics.CountTreeRepair();
            }
        }
        catch (Exception e) when (e is AssignmentException or BridgeApiException)
        {
            // The next sweep finds the lost bridge in the tree again and retries.
            LogTreeRepairFailed(_log, room.Name.ToString(), lost, e.Message);
        }
        finally
        {
            tree.Gate.Release();
        }

        var (participants, visitors, on) = await MoveMembersOfAsync(room, leaving, cancel).ConfigureAwait(false);
        return (used || on > 0, participants, visitors);
    }

    private async Task<IReadOnlyList<string>> ReplaceCoreLockedAsync(Room room, CancellationToken cancel)
    {
        var core = _bridges.Selector.ChooseCore(room.Name).BridgeId;
        try
        {
            return await _trees.ReplaceCoreLockedAsync(room, core, cancel).ConfigureAwait(false);
        }
        catch (BridgeApiException e) when (e.Status is null)
        {
            // The new core cannot be reached either: the next sweep handles it as lost and picks another.
            _bridges.Selector.MarkFailed(core);
            throw;
        }
    }

    /// <summary>Moves the members on any of <paramref name="leaving"/>: participants first (they bring the media), then visitors in parallel.</summary>
    private static async Task<(int Participants, int Visitors, int On)> MoveMembersOfAsync(Room room, IReadOnlyList<string> leaving, CancellationToken cancel)
    {
        var members = leaving.Distinct(StringComparer.Ordinal).SelectMany(room.MembersOn).ToList();
        var participants = 0;
        foreach (var member in members.Where(m => !m.Visitor))
        {
            participants += await member.Connection.MoveEndpointAsync(ReofferReason, cancel).ConfigureAwait(false) ? 1 : 0;
        }

        var visitors = 0;
        await Parallel.ForEachAsync(
            members.Where(m => m.Visitor),
            new ParallelOptions { MaxDegreeOfParallelism = MoveParallelism, CancellationToken = cancel },
            async (member, token) =>
            {
                if (await member.Connection.MoveEndpointAsync(ReofferReason, token).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref visitors);
                }
            }).ConfigureAwait(false);
        return (participants, visitors, members.Count);
    }

    /// <summary>
    /// A join or placement that raced a repair may have put a member or a tree edge on a lost bridge after the repair looked:
    /// repair those rooms again (cheap when nothing is found).
    /// </summary>
    private async Task RescanLockedAsync(CancellationToken cancel)
    {
        var lost = _links.Lost;
        if (lost.Count == 0)
        {
            return;
        }

        foreach (var room in _rooms.All())
        {
            foreach (var bridge in lost)
            {
                if (room.Tree.Plan?.Contains(bridge) == true || room.MembersOn(bridge).Count > 0)
                {
                    var (_, participants, visitors) = await RepairRoomAsync(room, bridge, cancel).ConfigureAwait(false);
                    LogLateRepair(_log, room.Name.ToString(), bridge, participants, visitors);
                }
            }
        }
    }

    /// <summary>Removes from each room's tree the visitor bridges that have had no visitor of the room for the idle limit.</summary>
    private async Task PruneIdleLockedAsync(CancellationToken cancel)
    {
        var now = _time.GetTimestamp();
        var idle = new HashSet<(Room, string)>();
        foreach (var room in _rooms.All())
        {
            var plan = room.Tree.Plan;
            foreach (var bridge in plan?.Bridges.Where(b => !plan.Cores.Contains(b)) ?? [])
            {
                // A visitor here or on a visitor node, or one placed since the last sweep (not counted anywhere yet), keeps it.
                if (room.Tree.TakePlaced(bridge) || room.HasNodeVisitorsOn(bridge) || room.MembersOn(bridge).Any(m => m.Visitor))
                {
                    continue;
                }

                idle.Add((room, bridge));
                if (!_idleSince.TryGetValue((room, bridge), out var since))
                {
                    _idleSince[(room, bridge)] = now;
                }
                else if (_time.GetElapsedTime(since, now) >= _idleLimit)
                {
                    await PruneAsync(room, bridge, cancel).ConfigureAwait(false);
                }
            }
        }

        // Forget bridges that got visitors again, left the tree, or whose room ended.
        foreach (var key in _idleSince.Keys.Where(k => !idle.Contains(k)).ToList())
        {
            _idleSince.Remove(key);
        }
    }

    private async Task PruneAsync(Room room, string bridge, CancellationToken cancel)
    {
        var tree = room.Tree;
        IReadOnlyList<string> removed = [];
        await tree.Gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            // Checked again under the gate: a visitor may have been placed since the scan.
            if (tree.Plan?.Contains(bridge) != true || tree.WasPlaced(bridge) || room.HasNodeVisitorsOn(bridge) || room.MembersOn(bridge).Any(m => m.Visitor))
            {
                return;
            }

            removed = await _trees.RemoveLockedAsync(room, bridge, cancel).ConfigureAwait(false);
            // Deleted under the gate, so no placement can add the bridge back to this room's tree in between.
            await DeleteConferenceAsync(room, bridge).ConfigureAwait(false);
            _metrics.CountIdleBranchRemoved();
            LogPruned(_log, room.Name, bridge, _idleLimit.TotalSeconds);
        }
        finally
        {
            tree.Gate.Release();
        }

        // Bridges that had to leave because their new link could not be made take their visitors with them.
        await MoveMembersOfAsync(room, removed.Skip(1).ToList(), cancel).ConfigureAwait(false);
    }

    /// <summary>
    /// The room's last connection went: gives back its links and deletes its conference on every bridge it used (best effort),
    /// unless the room was opened again meanwhile. Runs in the background; the registry's lock is held while this is called.
    /// </summary>
    private void OnRoomEnded(Room room)
    {
        var core = _bridges.Selector.CoreOf(room.Name);
        _ = EndRoomAsync(room, core);
    }

    private async Task EndRoomAsync(Room room, string? core)
    {
        await Task.Yield();
        var tree = room.Tree;
        await tree.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var used = (await _trees.ClearLockedAsync(room, CancellationToken.None).ConfigureAwait(false)).ToList();
            if (core is not null && !used.Contains(core))
            {
                used.Add(core);
            }

            foreach (var bridge in used)
            {
                // A room of the same name opened meanwhile uses the same conference id: leave it alone.
                if (_rooms.IsActive(room.Name))
                {
                    return;
                }

                await DeleteConferenceAsync(room, bridge).ConfigureAwait(false);
            }
        }
        finally
        {
            tree.Gate.Release();
        }
    }

    private async Task DeleteConferenceAsync(Room room, string bridge)
    {
        if (_links.IsLost(bridge) || _bridges.ApiUrlOf(bridge) is not { } api)
        {
            return;
        }

        try
        {
            await _api.DeleteConferenceAsync(api, room.ConferenceId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (BridgeApiException e)
        {
            // The bridge expires the conference's endpoints by consent timeout; only the empty conference stays.
            LogDeleteConferenceFailed(_log, room.Name.ToString(), bridge, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "bridge {BridgeId} lost ({Cause}): {Links} relay links dropped; rooms repaired: {Rooms}; moved {Participants} participants and {Visitors} visitors")]
    private static partial void LogLoss(ILogger logger, string bridgeId, string cause, int links, string rooms, int participants, int visitors);

    [LoggerMessage(Level = LogLevel.Information, Message = "bridge {BridgeId} is back: it can carry relay links again ({Stale} stale link ends deleted)")]
    private static partial void LogBack(ILogger logger, string bridgeId, int stale);

    [LoggerMessage(Level = LogLevel.Warning, Message = "bridge {BridgeId} is back but its stale relay link ends could not be listed: {Reason}")]
    private static partial void LogBackUncleaned(ILogger logger, string bridgeId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "room {Room}: repairing the relay tree after losing bridge {BridgeId} failed, retried next sweep: {Reason}")]
    private static partial void LogTreeRepairFailed(ILogger logger, string room, string bridgeId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "room {Room}: found lost bridge {BridgeId} still in use after its repair; moved {Participants} participants and {Visitors} visitors")]
    private static partial void LogLateRepair(ILogger logger, string room, string bridgeId, int participants, int visitors);

    [LoggerMessage(Level = LogLevel.Information, Message = "room {Room}: bridge {BridgeId} left the relay tree after {Seconds} s without visitors")]
    private static partial void LogPruned(ILogger logger, RoomName room, string bridgeId, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "room {Room}: deleting its conference on bridge {BridgeId} failed: {Reason}")]
    private static partial void LogDeleteConferenceFailed(ILogger logger, string room, string bridgeId, string reason);
}
