using System.Text.Json;
using Microsoft.Extensions.Logging;
using Signaling.Assignment;
using Signaling.Clients;
using Signaling.Federation;
using Signaling.Hosting;
using Signaling.Nodes;
using Signaling.Protocol;

namespace Signaling.Features.Chat;

/// <summary>
/// The room chat across nodes (docs/conference-features.md). Main orders every public message of a room (its own
/// members' and those visitor nodes forward), keeps the last <c>ChatHistory</c>, pushes each to its members and publishes
/// it to every visitor node; a visitor node forwards its visitors' messages to main and pushes main's ordered messages to
/// its visitors once each, in order. Private messages are between main participants only and never leave main.
/// </summary>
internal sealed partial class ChatService : IFederationFeature
{
    /// <summary>
    /// A node's chat event older than main's start by more than this is not ordered: after a restart main re-reads the
    /// node streams from their oldest entry, and messages of its previous life must not come back as new ones.
    /// </summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromSeconds(30);

    private readonly RoomRegistry _rooms;
    private readonly FeatureMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<ChatService> _log;
    private readonly MainRoomSync? _main;
    private readonly NodeRoomSync? _node;
    private readonly string _nodeId;

    /// <summary>Main when <paramref name="main"/> is given, a visitor node when <paramref name="node"/> is.</summary>
    public ChatService(RoomRegistry rooms, SignalingOptions options, FeatureMetrics metrics, TimeProvider time, ILogger<ChatService> log, MainRoomSync? main = null, NodeRoomSync? node = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _rooms = rooms;
        _metrics = metrics;
        _time = time;
        _log = log;
        _main = main;
        _node = node;
        _nodeId = options.NodeId;
        Limit = options.ChatHistory;
    }

    /// <summary>Public messages a room keeps for late joiners.</summary>
    public int Limit { get; }

    /// <summary>A client's <c>chat.send</c>: refused (non-fatal), ordered here (main) or forwarded to main (visitor node).</summary>
    public void Send(Room room, RoomMember member, ChatSendMessage send)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(send);
        if (member.Visitor && send.To is not null)
        {
            member.Connection.Send(ConferenceFeatures.Forbidden("private messages are only between participants; as a visitor you write to everyone", send.Id));
            return;
        }

        var from = new ChatSender(member.Id, member.Name, member.Visitor ? ParticipantRole.Visitor : ParticipantRole.Participant);
        room.WithMembers((members, visitors) =>
        {
            if (member.Visitor && !room.Chat.VisitorChat)
            {
                member.Connection.Send(ConferenceFeatures.Forbidden("a moderator has turned chat off for visitors", send.Id));
                return false;
            }

            if (_node is not null)
            {
                // Main orders it; the visitor sees it when main's ordered copy comes back, like everyone else.
                _node.Publish(room.Name.ToString(), ChatTypes.Chat,
                    JsonSerializer.Serialize(new NodeChatPayload(Author(from), send.Text), ChatJson.Default.NodeChatPayload));
                _metrics.CountChat("node");
                return true;
            }

            if (send.To is { } to)
            {
                return SendPrivateLocked(room, member, from, send, to, members);
            }

            OrderLocked(room, null, from, send.Text, members, visitors);
            _metrics.CountChat("main");
            return true;
        });
    }

    /// <summary>A moderator's <c>mod.visitor-chat</c>: main applies it and tells everyone; anyone else is refused.</summary>
    public void SetVisitorChat(Room room, RoomMember member, ModVisitorChatMessage toggle)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(toggle);
        if (!member.Moderator || _main is null)
        {
            member.Connection.Send(ConferenceFeatures.Forbidden("only a moderator may turn visitor chat on or off", toggle.Id));
            return;
        }

        room.WithMembers((members, visitors) =>
        {
            if (!room.Chat.SetVisitorChat(_main.Epoch, toggle.Enabled))
            {
                member.Connection.Send(new ChatSettingsMessage(room.Chat.VisitorChat, member.Moderator));
                return false;
            }

            PushSettingsLocked(room, members, visitors);
            var version = room.Chat.SettingsVersion;
            var name = room.Name.ToString();
            _main.Publish(name, ChatTypes.Settings,
                JsonSerializer.Serialize(new ChatSettingsPayload(version.Epoch, version.Seq, toggle.Enabled), ChatJson.Default.ChatSettingsPayload));
            LogVisitorChat(_log, name, toggle.Enabled, member.Id);
            return true;
        });
    }

    /// <summary>Main: the room's chat for a visitor node taking the room up (placement answer).</summary>
    public ChatSnapshotPayload Snapshot(Room room)
    {
        ArgumentNullException.ThrowIfNull(room);
        var epoch = _main?.Epoch ?? 0;
        return room.WithMembers((_, _) =>
        {
            var version = room.Chat.SettingsVersion;
            return new ChatSnapshotPayload(
                epoch,
                [.. room.Chat.History.Select(m => Ordered(epoch, m))],
                new ChatSettingsPayload(epoch, version.Seq, room.Chat.VisitorChat));
        });
    }

    /// <summary>Visitor node: takes up main's chat of <paramref name="room"/> from a placement answer; new messages reach the room's visitors.</summary>
    public static void ApplySnapshot(Room room, ChatSnapshotPayload snapshot, int limit)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(snapshot);
        room.WithMembers((members, visitors) =>
        {
            foreach (var ordered in (snapshot.Messages ?? []).OrderBy(m => m.Seq))
            {
                ApplyLocked(room, snapshot.Epoch, ordered, limit, members, visitors);
            }

            if (snapshot.Settings is { } s && room.Chat.ApplySettings(new RoomVersion(snapshot.Epoch, s.Seq), s.VisitorChat))
            {
                PushSettingsLocked(room, members, visitors);
            }

            return true;
        });
    }

    /// <inheritdoc/>
    public bool TryHandle(string origin, FederationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        switch (e.Type)
        {
            case ChatTypes.Chat when _main is not null:
                OnNodeChat(origin, e);
                return true;
            case ChatTypes.Chat:
                var ordered = JsonSerializer.Deserialize(e.Payload, ChatJson.Default.OrderedChatPayload) ?? throw new JsonException("null");
                Check(ordered.From, ordered.Text);
                if (FindRoom(e.Room) is { } target)
                {
                    target.WithMembers((members, visitors) => ApplyLocked(target, ordered.Epoch, ordered, Limit, members, visitors));
                }

                return true;
            case ChatTypes.Settings when _node is not null:
                var settings = JsonSerializer.Deserialize(e.Payload, ChatJson.Default.ChatSettingsPayload) ?? throw new JsonException("null");
                if (FindRoom(e.Room) is { } room)
                {
                    room.WithMembers((members, visitors) =>
                    {
                        if (room.Chat.ApplySettings(new RoomVersion(settings.Epoch, settings.Seq), settings.VisitorChat))
                        {
                            PushSettingsLocked(room, members, visitors);
                        }

                        return true;
                    });
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>Main: a visitor's message forwarded by node <paramref name="origin"/>; ordered once per event key.</summary>
    private void OnNodeChat(string origin, FederationEvent e)
    {
        var payload = JsonSerializer.Deserialize(e.Payload, ChatJson.Default.NodeChatPayload) ?? throw new JsonException("null");
        Check(payload.From, payload.Text);
        var room = FindRoom(e.Room);
        if (room is null || e.Timestamp.ToUnixTimeMilliseconds() < _main!.Epoch - (long)ReplayWindow.TotalMilliseconds)
        {
            LogDropped(_log, origin, e.Room, room is null ? "the room is not in use" : "it predates this main node's start");
            return;
        }

        // Nodes hold visitors only, whatever the payload claims.
        var from = new ChatSender(payload.From.Id, payload.From.Name, ParticipantRole.Visitor);
        room.WithMembers((members, visitors) =>
        {
            if (!room.Chat.VisitorChat)
            {
                // Turned off while the message was on its way; the node refuses later ones itself.
                LogDropped(_log, origin, e.Room, "visitor chat is off");
                return false;
            }

            if (OrderLocked(room, e.Key, from, payload.Text, members, visitors))
            {
                _metrics.CountChat("node");
            }

            return true;
        });
    }

    private bool SendPrivateLocked(Room room, RoomMember member, ChatSender from, ChatSendMessage send, string to, IReadOnlyList<RoomMember> members)
    {
        var target = members.FirstOrDefault(m => m.Id == to);
        if (target is null)
        {
            // Visitors (here or on a visitor node) and ids that name nobody get one answer: only participants take private messages.
            member.Connection.Send(ConferenceFeatures.Forbidden($"private messages go only to participants of this room, and '{to}' is not one (visitors cannot receive them)", send.Id));
            return false;
        }

        var message = room.Chat.Order(_main!.Epoch, null, from, send.Text, _time.GetUtcNow().ToUnixTimeMilliseconds(), isPrivate: true, Limit)!;
        member.Connection.Send(message);
        if (target != member)
        {
            target.Connection.Send(message);
        }

        _metrics.CountChat("main");
        return true;
    }

    /// <summary>Main: orders one public message, pushes it to this node's members and publishes it to every visitor node.</summary>
    private bool OrderLocked(Room room, string? key, ChatSender from, string text, IReadOnlyList<RoomMember> members, IReadOnlyList<RoomMember> visitors)
    {
        var epoch = _main!.Epoch;
        var message = room.Chat.Order(epoch, key, from, text, _time.GetUtcNow().ToUnixTimeMilliseconds(), isPrivate: false, Limit);
        if (message is null)
        {
            return false;
        }

        Fanout.Send(message, members, visitors);
        _main.Publish(room.Name.ToString(), ChatTypes.Chat, JsonSerializer.Serialize(Ordered(epoch, message), ChatJson.Default.OrderedChatPayload));
        return true;
    }

    private static bool ApplyLocked(Room room, long epoch, OrderedChatPayload ordered, int limit, IReadOnlyList<RoomMember> members, IReadOnlyList<RoomMember> visitors)
    {
        var role = ordered.From.Role == "participant" ? ParticipantRole.Participant : ParticipantRole.Visitor;
        var message = new ChatMessage(ordered.Seq, new ChatSender(ordered.From.Id, ordered.From.Name, role), ordered.Text, ordered.Ts, Private: false);
        if (room.Chat.Apply(epoch, message, limit))
        {
            Fanout.Send(message, members, visitors);
        }

        return true;
    }

    private static void PushSettingsLocked(Room room, IReadOnlyList<RoomMember> members, IReadOnlyList<RoomMember> visitors)
    {
        foreach (var m in members.Concat(visitors))
        {
            m.Connection.Send(new ChatSettingsMessage(room.Chat.VisitorChat, m.Moderator));
        }
    }

    /// <summary>Refuses a payload a client could not have sent (nodes are trusted, but a corrupted entry must not reach clients).</summary>
    private static void Check(ChatAuthor? from, string? text)
    {
        if (from is null || !TextRules.IsClean(from.Id ?? "", ProtocolLimits.MaxIdLength) || !TextRules.IsClean(from.Name ?? "", ProtocolLimits.MaxNameLength) ||
            !TextRules.IsClean(text ?? "", ProtocolLimits.MaxChatLength, lineBreaks: true))
        {
            throw new JsonException("author or text breaks the chat.send rules");
        }
    }

    private static ChatAuthor Author(ChatSender from) => new(from.Id, from.Name, from.Role == ParticipantRole.Visitor ? "visitor" : "participant");

    private static OrderedChatPayload Ordered(long epoch, ChatMessage m) => new(epoch, m.Seq, Author(m.From), m.Text, m.Ts);

    private Room? FindRoom(string room) => RoomName.TryParse(room, out var name, out var error) ? _rooms.Find(name) : throw new JsonException(error);

    [LoggerMessage(Level = LogLevel.Information, Message = "room {Room}: visitor chat turned {Enabled} by moderator {Member}")]
    private static partial void LogVisitorChat(ILogger logger, string room, bool enabled, string member);

    [LoggerMessage(Level = LogLevel.Warning, Message = "chat message from visitor node {Node} for room {Room} not ordered: {Reason}")]
    private static partial void LogDropped(ILogger logger, string node, string room, string reason);
}
