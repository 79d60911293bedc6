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
/// One room's relay tree (docs/relay-tree.md) as built so far: the core at the root and every visitor bridge that joined, and
/// the relay links the room holds a use of. Guarded by its own gate, so two visitors of one room landing on a new bridge add it
/// once and a repair never interleaves with a placement.
/// </summary>
internal sealed class RoomRelayTree
{
    private readonly Lock _placedLock = new();
    private readonly HashSet<string> _placed = new(StringComparer.Ordinal);

    /// <summary>Serializes changes of <see cref="Plan"/> and <see cref="Links"/>.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The current plan, or null before the first visitor bridge; changed only under <see cref="Gate"/>.</summary>
    public RelayTree? Plan { get; set; }

    /// <summary>
    /// The (parent, child) links this room holds one use of in <see cref="RelayLinks"/>: the plan's edges that could be made.
    /// Kept apart from the plan so that a use is given back exactly once, even for an edge whose creation failed.
    /// </summary>
    public HashSet<(string Parent, string Child)> Links { get; } = [];

    /// <summary>
    /// Notes a visitor placed on <paramref name="bridge"/> (under <see cref="Gate"/>): until its endpoint shows in the room's
    /// members or in a visitor node's counts, this note keeps the idle-branch sweep from taking the bridge away.
    /// </summary>
    public void NotePlaced(string bridge)
    {
        lock (_placedLock)
        {
            _placed.Add(bridge);
        }
    }

    /// <summary>Whether a visitor was placed on <paramref name="bridge"/> since the last <see cref="TakePlaced"/>; clears the note.</summary>
    public bool TakePlaced(string bridge)
    {
        lock (_placedLock)
        {
            return _placed.Remove(bridge);
        }
    }

    /// <summary>Whether a visitor was placed on <paramref name="bridge"/> since the last <see cref="TakePlaced"/>.</summary>
    public bool WasPlaced(string bridge)
    {
        lock (_placedLock)
        {
            return _placed.Contains(bridge);
        }
    }
}

/// <summary>
/// Places visitors on visitor bridges of their room's relay tree: picks a bridge with
/// <see cref="BridgeSelector.ChooseVisitorBridge"/> and lets <see cref="RelayTreeEditor.JoinAsync"/> attach it to the room's
/// tree when it is new there. The main node uses it for the visitors it serves itself; a visitor node will take the same job
/// over for its own visitors.
/// </summary>
internal sealed class VisitorPlacement(BridgeRegistry bridges, RelayTreeEditor trees) : IVisitorPlacer
{
    /// <summary>
    /// The bridge for one more visitor of <paramref name="room"/>, joined to the room's tree. Falls back to the core when the
    /// chosen bridge cannot join the tree (lost meanwhile, or another room's tree links the pair the other way round).
    /// Throws <see cref="AssignmentException"/> without a usable bridge and <see cref="BridgeApiException"/> when a bridge call fails.
    /// </summary>
    public async Task<BridgePlacement> PlaceAsync(Room room, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(room);
        var core = bridges.Selector.ChooseCore(room.Name).BridgeId;
        var chosen = bridges.Selector.ChooseVisitorBridge(room.Name).BridgeId;
        var placed = chosen == core || await trees.JoinAsync(room, core, chosen, cancel).ConfigureAwait(false) ? chosen : core;
        return new BridgePlacement(placed, trees.ApiOf(placed));
    }
}
