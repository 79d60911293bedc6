using System.Runtime.CompilerServices;
using System.Text.Json;
using Signaling.Assignment;
using Signaling.Clients;
using Signaling.Federation;
using Signaling.Nodes;
using Signaling.Protocol;

namespace Signaling.Features.Reactions;

/// <summary>
/// Reactions aggregated per room and per <see cref="Interval"/> (docs/conference-features.md). A visitor node counts its
/// visitors' reactions and sends main one event per room per interval; main adds its own members' and the nodes' counts
/// and, once per interval, pushes <c>reactions</c> to its members and publishes one event per room to every node, which
/// fans it out to its visitors. 10,000 visitors reacting cost main one event per node and room per second.
/// </summary>
internal sealed class ReactionService : PeriodicFlushService, IFederationFeature
{
    /// <summary>The aggregation interval.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>The federation event type (both directions).</summary>
    public const string EventType = "reactions";

    /// <summary>Largest count accepted for one emoji in one event (a node holds far fewer visitors).</summary>
    private const int MaxCount = 10_000_000;

    private readonly RoomRegistry _rooms;
    private readonly FeatureMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly MainRoomSync? _main;
    private readonly NodeRoomSync? _node;
    private readonly ConditionalWeakTable<RoomMember, ReactionAllowance> _allowances = [];
    private readonly Lock _lock = new();
    private Dictionary<RoomName, Dictionary<string, int>> _pending = [];

    /// <summary>Main when <paramref name="main"/> is given, a visitor node when <paramref name="node"/> is.</summary>
    public ReactionService(RoomRegistry rooms, FeatureMetrics metrics, TimeProvider time, MainRoomSync? main = null, NodeRoomSync? node = null)
        : base(Interval, time)
    {
        _rooms = rooms;
        _metrics = metrics;
        _time = time;
        _main = main;
        _node = node;
    }

    /// <summary>A client's <c>reaction.send</c>: counted for the interval, or dropped silently past the client's allowance.</summary>
    public void Add(Room room, RoomMember member, string emoji)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(member);
        if (!_allowances.GetValue(member, _ => new ReactionAllowance(_time)).TryTake())
        {
            _metrics.CountReactionDropped();
            return;
        }

        _metrics.CountReaction();
        Count(room.Name, emoji, 1);
    }

    /// <inheritdoc/>
    public bool TryHandle(string origin, FederationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Type != EventType)
        {
            return false;
        }

        var payload = JsonSerializer.Deserialize(e.Payload, ReactionJson.Default.ReactionsPayload) ?? throw new JsonException("null");
        if (!RoomName.TryParse(e.Room, out var name, out var error))
        {
            throw new JsonException(error);
        }

        var counts = payload.Counts ?? throw new JsonException("counts missing");
        if (counts.Any(c => !ReactionSet.IsAllowed(c.Key) || c.Value is < 0 or > MaxCount))
        {
            throw new JsonException("counts must map allowed emoji to 0.." + MaxCount);
        }

        if (_main is not null)
        {
            // A node's share of the interval: merged into main's next push.
            foreach (var (emoji, count) in counts)
            {
                Count(name, emoji, count);
            }
        }
        else
        {
            _rooms.Find(name)?.WithMembers((members, visitors) => Fanout.Send(new ReactionsMessage(counts, payload.IntervalMs), members, visitors));
        }

        return true;
    }

    /// <summary>Sends the interval's counts: main to its members and every node, a visitor node to main.</summary>
    internal override void Flush()
    {
        Dictionary<RoomName, Dictionary<string, int>> due;
        lock (_lock)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            (due, _pending) = (_pending, []);
        }

        var intervalMs = (int)Interval.TotalMilliseconds;
        foreach (var (name, counts) in due)
        {
            var payload = JsonSerializer.Serialize(new ReactionsPayload(counts, intervalMs), ReactionJson.Default.ReactionsPayload);
            if (_node is not null)
            {
                _node.Publish(name.ToString(), EventType, payload);
                continue;
            }

            _rooms.Find(name)?.WithMembers((members, visitors) => Fanout.Send(new ReactionsMessage(counts, intervalMs), members, visitors));
            _main?.Publish(name.ToString(), EventType, payload);
        }
    }

    private void Count(RoomName room, string emoji, int count)
    {
        if (count == 0)
        {
            return;
        }

        lock (_lock)
        {
            if (!_pending.TryGetValue(room, out var counts))
            {
                _pending[room] = counts = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            counts[emoji] = (int)Math.Min(int.MaxValue, (long)counts.GetValueOrDefault(emoji) + count);
        }
    }
}
