using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Prometheus;
using Signaling.Assignment;
using Signaling.Clients;
using Signaling.Federation;
using Signaling.Hosting;
using Signaling.Nodes;
using Signaling.Protocol;

namespace Signaling.Features.Live;

/// <summary>main → node: whether a room is live (<c>live</c> event); <c>false</c> when the room ended on main.</summary>
internal sealed record LivePayload(bool Live);

/// <summary>System.Text.Json source generation for the live-room payload (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LivePayload))]
internal sealed partial class LiveJson : JsonSerializerContext;

/// <summary>
/// The live room (docs/conference-features.md): in a room with <c>LiveRoom</c> on, visitors that arrive before a moderator
/// goes live are held (<c>waiting</c>, no bridge endpoint) by the node they are on; <c>mod.go-live</c> makes main publish
/// <c>live</c>, and every node admits its held visitors in arrival order, <see cref="BatchSize"/> per <see cref="BatchInterval"/>.
/// A held visitor that leaves is forgotten; one that stays is always admitted (the hold and Go live meet under one lock).
/// </summary>
internal sealed partial class LiveService : IFederationFeature
{
    /// <summary>The federation event type.</summary>
    public const string EventType = "live";

    /// <summary>Held visitors admitted at once.</summary>
    public const int BatchSize = 20;

    /// <summary>The pause between two batches: 10,000 visitors reach their bridges over 50 s rather than in one burst.</summary>
    public static readonly TimeSpan BatchInterval = TimeSpan.FromMilliseconds(100);

    private readonly RoomRegistry _rooms;
    private readonly SignalingOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<LiveService> _log;
    private readonly MainRoomSync? _main;
    private readonly Gauge _waiting;
    private readonly Dictionary<RoomName, Gate> _gates = [];
    private readonly Lock _lock = new();

    /// <summary>Main when <paramref name="main"/> is given (its rooms ending reset their live state), a visitor node otherwise.</summary>
    public LiveService(RoomRegistry rooms, SignalingOptions options, SignalingMetrics metrics, TimeProvider time, ILogger<LiveService> log, MainRoomSync? main = null)
    {
        ArgumentNullException.ThrowIfNull(rooms);
        ArgumentNullException.ThrowIfNull(metrics);
        _rooms = rooms;
        _options = options;
        _time = time;
        _log = log;
        _main = main;
        _waiting = Prometheus.Metrics.WithCustomRegistry(metrics.Registry).CreateGauge("signaling_waiting_visitors", "Visitors held on this node until a moderator goes live.");
        if (main is not null)
        {
            rooms.Ended += OnEnded;
        }
    }

    /// <summary>Whether <paramref name="room"/> waits for Go live (the tenant's <c>LiveRoom</c>, else <c>Signaling:LiveRoom</c>).</summary>
    public bool Enabled(RoomName room) => _options.Tenants.GetValueOrDefault(room.Tenant)?.LiveRoom ?? _options.LiveRoom;

    /// <summary>
    /// A visitor joining <paramref name="room"/>: null when it may go on now, else a handle of its hold; it then gets
    /// <c>waiting</c> and <paramref name="admit"/> runs once the room goes live (unless <see cref="Forget"/> came first).
    /// </summary>
    public object? Hold(RoomName room, Func<Task> admit)
    {
        ArgumentNullException.ThrowIfNull(room);
        if (!Enabled(room))
        {
            return null;
        }

        lock (_lock)
        {
            var gate = GateLocked(room);
            if (gate.Live)
            {
                return null;
            }

            _waiting.Inc();
            return gate.Waiting.AddLast(admit);
        }
    }

    /// <summary>A held visitor left before Go live: it is simply dropped.</summary>
    public void Forget(RoomName room, object handle)
    {
        ArgumentNullException.ThrowIfNull(room);
        lock (_lock)
        {
            if (_gates.TryGetValue(room, out var gate) && handle is LinkedListNode<Func<Task>> node && node.List == gate.Waiting)
            {
                gate.Waiting.Remove(node);
                _waiting.Dec();
                if (!gate.Live && gate.Waiting.Count == 0)
                {
                    _gates.Remove(room);
                }
            }
        }
    }

    /// <summary>Right after a member's <c>joined</c>: a moderator of a live room that is not live yet learns so (its Go live button).</summary>
    public void Welcome(Room room, RoomMember member)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(member);
        if (_main is not null && member.Moderator && Enabled(room.Name) && !IsLive(room.Name))
        {
            member.Connection.Send(new LiveMessage(false));
        }
    }

    /// <summary>A moderator's <c>mod.go-live</c>: main tells everyone and every node, and admits its own held visitors; others are refused.</summary>
    public void GoLive(Room room, RoomMember member, ModGoLiveMessage message)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(message);
        if (ConferenceFeatures.RefuseUnlessMainModerator(_main, member, "go live", message.Id))
        {
            return;
        }

        if (!SetLive(room.Name, true))
        {
            member.Connection.Send(new LiveMessage(true));
            return;
        }

        LogLive(_log, room.Name, member.Id);
        room.WithMembers((members, visitors) => Fanout.Send(new LiveMessage(true), members, visitors));
        _main.Publish(room.Name.ToString(), EventType, JsonSerializer.Serialize(new LivePayload(true), LiveJson.Default.LivePayload));
    }

    /// <summary>True once <paramref name="room"/> went live (as far as this node knows).</summary>
    public bool IsLive(RoomName room)
    {
        lock (_lock)
        {
            return _gates.TryGetValue(room, out var gate) && gate.Live;
        }
    }

    /// <inheritdoc/>
    public bool TryHandle(string origin, FederationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Type != EventType || _main is not null)
        {
            return false;
        }

        var payload = JsonSerializer.Deserialize(e.Payload, LiveJson.Default.LivePayload) ?? throw new JsonException("null");
        if (!RoomName.TryParse(e.Room, out var name, out var error))
        {
            throw new JsonException(error);
        }

        // Those already in (none but in a room that went live before) hear it first; the held ones get joined instead.
        if (payload.Live && !IsLive(name))
        {
            _rooms.Find(name)?.WithMembers((members, visitors) => Fanout.Send(new LiveMessage(true), members, visitors));
        }

        // Kept for every room, held visitors or not: a visitor arriving after Go live must not wait.
        SetLive(name, payload.Live);
        return true;
    }

    /// <summary>Sets the room's state; going live admits the held visitors. False when nothing changed.</summary>
    private bool SetLive(RoomName room, bool live)
    {
        List<Func<Task>> admit;
        lock (_lock)
        {
            var gate = GateLocked(room);
            if (gate.Live == live)
            {
                return false;
            }

            gate.Live = live;
            if (!live)
            {
                if (gate.Waiting.Count == 0)
                {
                    _gates.Remove(room);
                }

                return true;
            }

            admit = [.. gate.Waiting];
            gate.Waiting.Clear();
            _waiting.Dec(admit.Count);
        }

        if (admit.Count > 0)
        {
            LogAdmitting(_log, room, admit.Count);
            _ = AdmitAsync(admit);
        }

        return true;
    }

    private async Task AdmitAsync(List<Func<Task>> admit)
    {
        var joins = new List<Task>(admit.Count);
        for (var i = 0; i < admit.Count; i += BatchSize)
        {
            if (i > 0)
            {
                await Task.Delay(BatchInterval, _time).ConfigureAwait(false);
            }

            joins.AddRange(admit.Skip(i).Take(BatchSize).Select(a => Task.Run(a)));
        }

        try
        {
            await Task.WhenAll(joins).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Each join reports its own failure to its client; this only keeps the failure visible to the operator.
            LogAdmitFailed(_log, ex.Message);
        }
    }

    private void OnEnded(Room room)
    {
        // The next meeting in this room waits again; nodes forget that it was live. (Held visitors keep a room in use, so none are held here.)
        bool wasLive;
        lock (_lock)
        {
            wasLive = _gates.Remove(room.Name, out var gate) && gate.Live;
        }

        if (wasLive)
        {
            _main!.Publish(room.Name.ToString(), EventType, JsonSerializer.Serialize(new LivePayload(false), LiveJson.Default.LivePayload));
        }
    }

    private Gate GateLocked(RoomName room)
    {
        if (!_gates.TryGetValue(room, out var gate))
        {
            _gates[room] = gate = new Gate();
        }

        return gate;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "room {Room} went live (moderator {Member})")]
    private static partial void LogLive(ILogger logger, RoomName room, string member);

    [LoggerMessage(Level = LogLevel.Information, Message = "room {Room} is live: admitting {Count} waiting visitors")]
    private static partial void LogAdmitting(ILogger logger, RoomName room, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "admitting a waiting visitor failed: {Reason}")]
    private static partial void LogAdmitFailed(ILogger logger, string reason);

    /// <summary>One room's live state and the visitors held for it, in arrival order (guarded by the service's lock).</summary>
    private sealed class Gate
    {
        public bool Live { get; set; }

        public LinkedList<Func<Task>> Waiting { get; } = new();
    }
}
