using Signaling.Protocol;

namespace Signaling.Clients;

/// <summary>
/// The version of a room's stage or visitor count as main numbers it: the main node's start time (a restarted main
/// outranks every version of its previous life) and a counter. Visitor nodes apply only newer versions, which makes
/// replayed or repeated federation events harmless.
/// </summary>
internal readonly record struct RoomVersion(long Epoch, long Seq) : IComparable<RoomVersion>
{
    /// <inheritdoc/>
    public int CompareTo(RoomVersion other) => Epoch != other.Epoch ? Epoch.CompareTo(other.Epoch) : Seq.CompareTo(other.Seq);

    /// <summary>True when this version is newer than <paramref name="other"/>.</summary>
    public bool IsNewerThan(RoomVersion other) => CompareTo(other) > 0;
}

/// <summary>
/// Carries a room's changes between the main node and the visitor nodes. Called under the room's lock, so calls arrive
/// in the order the changes happened; implementations only enqueue.
/// </summary>
internal interface IRoomSync
{
    /// <summary>True on a visitor node: the stage and the visitor total come from main; local changes are only this node's visitor count.</summary>
    bool Remote { get; }

    /// <summary>The main node's epoch (its start time in Unix milliseconds), the first part of every <see cref="RoomVersion"/> it makes.</summary>
    long Epoch { get; }

    /// <summary>Main: the room's stage changed to <paramref name="stage"/> at <paramref name="version"/>.</summary>
    void StageChanged(Room room, RoomVersion version, StageMessage stage);

    /// <summary>
    /// Main: the room's visitor total across nodes; visitor node: this node's visitor count in the room and how many of them
    /// each bridge holds (<paramref name="bridges"/>, empty on main), so main keeps the bridges they use in the room's tree.
    /// </summary>
    void VisitorsChanged(Room room, RoomVersion version, int count, IReadOnlyDictionary<string, int> bridges);
}
