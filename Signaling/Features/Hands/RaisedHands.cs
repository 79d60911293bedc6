namespace Signaling.Features.Hands;

/// <summary>A raised hand: who (participant id, name), where it is connected (its visitor node, or main) and when it rose.</summary>
public sealed record RaisedHand(string UserId, string Name, string Node, long Order);

/// <summary>How a moderator's decision on a hand went.</summary>
public enum HandDecision
{
    /// <summary>Approved: the visitor is to be promoted.</summary>
    Approved,

    /// <summary>Denied: the visitor is told so.</summary>
    Denied,

    /// <summary>No such hand is raised (already decided, lowered, or never raised).</summary>
    NotRaised,

    /// <summary>Approval refused: the room has promoted as many visitors as it may.</summary>
    LimitReached,
}

/// <summary>
/// One room's queue of raised hands, held by the main node: visitors raise (and lower) hands from any node, moderators see
/// the queue in raising order — hands raised before a moderator joined included — and approve or deny. Approvals count
/// against the room's promotion limit. Every change bumps <see cref="Version"/> for snapshot pushes. Thread-safe.
/// </summary>
public sealed class RaisedHands(int maxPromoted)
{
    private readonly Dictionary<string, RaisedHand> _hands = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _order;
    private long _version;
    private int _promoted;

    /// <summary>The version of the queue: bumped by every raise, lower and decision.</summary>
    public long Version
    {
        get
        {
            lock (_lock)
            {
                return _version;
            }
        }
    }

    /// <summary>Visitors promoted so far.</summary>
    public int Promoted
    {
        get
        {
            lock (_lock)
            {
                return _promoted;
            }
        }
    }

    /// <summary>Raises <paramref name="userId"/>'s hand; false when it is already raised (its place in the queue is kept).</summary>
    public bool Raise(string userId, string name, string node)
    {
        lock (_lock)
        {
            if (_hands.ContainsKey(userId))
            {
                return false;
            }

            _hands[userId] = new RaisedHand(userId, name, node, ++_order);
            _version++;
            return true;
        }
    }

    /// <summary>Lowers the hand (the visitor changed its mind or left); false when none was raised.</summary>
    public bool Lower(string userId)
    {
        lock (_lock)
        {
            if (!_hands.Remove(userId))
            {
                return false;
            }

            _version++;
            return true;
        }
    }

    /// <summary>Decides on <paramref name="userId"/>'s hand; the hand leaves the queue unless the approval hit the limit.</summary>
    public HandDecision Decide(string userId, bool approve, out RaisedHand? hand)
    {
        lock (_lock)
        {
            if (!_hands.TryGetValue(userId, out hand))
            {
                return HandDecision.NotRaised;
            }

            if (approve && _promoted >= maxPromoted)
            {
                return HandDecision.LimitReached;
            }

            _hands.Remove(userId);
            _version++;
            if (approve)
            {
                _promoted++;
                return HandDecision.Approved;
            }

            return HandDecision.Denied;
        }
    }

    /// <summary>The raised hands in raising order, with the version.</summary>
    public (long Version, IReadOnlyList<RaisedHand> Hands) Snapshot()
    {
        lock (_lock)
        {
            return (_version, [.. _hands.Values.OrderBy(h => h.Order)]);
        }
    }
}
