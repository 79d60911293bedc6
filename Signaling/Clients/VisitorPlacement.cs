using BridgeRelay.Tree;
using Signaling.Assignment;
using Signaling.Bridges;

namespace Signaling.Clients;

/// <summary>Where a visitor's receive endpoint goes: the bridge and its control API.</summary>
internal sealed record BridgePlacement(string BridgeId, Uri Api);

/// <summary>Finds the bridge for one more visitor of a room: locally on the main node, or by asking main from a visitor node.</summary>
internal interface IVisitorPlacer
{
    /// <summary>
    /// The bridge (joined to the room's relay tree) for one more visitor of <paramref name="room"/>. Throws
    /// <see cref="AssignmentException"/> without a usable bridge and <see cref="BridgeApiException"/> when a bridge call fails.
    /// </summary>
    Task<BridgePlacement> PlaceAsync(Room room, CancellationToken cancel);
}

/// <summary>
/// One room's relay tree (docs/relay-tree.md) as built so far: the core at the root and every visitor bridge that joined.
/// Guarded by its own gate, so two visitors of one room landing on a new bridge add it once.
/// </summary>
internal sealed class RoomRelayTree
{
    /// <summary>Serializes changes of <see cref="Plan"/>.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The current plan, or null before the first visitor bridge; changed only under <see cref="Gate"/>.</summary>
    public RelayTree? Plan { get; set; }
}

/// <summary>
/// Places visitors on visitor bridges of their room's relay tree: picks a bridge with
/// <see cref="BridgeSelector.ChooseVisitorBridge"/> and, when the bridge is new to the room's tree, creates the conference on
/// it, attaches it with <see cref="TreePlanner.Add"/> and links it to its parent. The main node uses it for the visitors it
/// serves itself; a visitor node will take the same job over for its own visitors.
/// </summary>
internal sealed class VisitorPlacement(BridgeRegistry bridges, BridgeApiClient api, RelayLinks links, int fanOut) : IVisitorPlacer
{
    /// <summary>
    /// The bridge for one more visitor of <paramref name="room"/>, joined to the room's tree. Falls back to the core when the
    /// chosen bridge cannot be linked under its planned parent (another room's tree links the pair the other way round).
    /// Throws <see cref="AssignmentException"/> without a usable bridge and <see cref="BridgeApiException"/> when a bridge call fails.
    /// </summary>
    public async Task<BridgePlacement> PlaceAsync(Room room, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(room);
        var core = bridges.Selector.ChooseCore(room.Name).BridgeId;
        var chosen = bridges.Selector.ChooseVisitorBridge(room.Name).BridgeId;
        var placed = chosen == core || await JoinTreeAsync(room, core, chosen, cancel).ConfigureAwait(false) ? chosen : core;
        return new BridgePlacement(placed, ApiOf(placed));
    }

    private async Task<bool> JoinTreeAsync(Room room, string core, string bridge, CancellationToken cancel)
    {
        var tree = room.Tree;
        await tree.Gate.WaitAsync(cancel).ConfigureAwait(false);
        try
        {
            var plan = tree.Plan;
            if (plan is null || plan.Cores[0] != core)
            {
                // First visitor bridge, or the core was replaced: the links of the old tree stay (shared by other rooms).
                await api.PutConferenceAsync(ApiOf(core), room.ConferenceId, cancel).ConfigureAwait(false);
                plan = tree.Plan = TreePlanner.Create([core], fanOut);
            }

            if (plan.Contains(bridge))
            {
                return true;
            }

            var next = TreePlanner.Add(plan, bridge, out var change);
            var parent = change.NewParent!;
            if (links.IsReversed(parent, bridge))
            {
                return false;
            }

            // The conference first: a link carries only the conference id, which the child must know before media arrives.
            await api.PutConferenceAsync(ApiOf(bridge), room.ConferenceId, cancel).ConfigureAwait(false);
            await links.EnsureAsync(parent, bridge, cancel).ConfigureAwait(false);
            tree.Plan = next;
            return true;
        }
        finally
        {
            tree.Gate.Release();
        }
    }

    private Uri ApiOf(string bridgeId) =>
        bridges.ApiUrlOf(bridgeId) ?? throw new BridgeApiException(null, $"bridge {bridgeId} has no known control API");
}
