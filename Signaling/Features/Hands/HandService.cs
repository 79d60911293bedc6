using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Prometheus;
using Signaling.Assignment;
using Signaling.Clients;
using Signaling.Federation;
using Signaling.Hosting;
using Signaling.Nodes;
using Signaling.Protocol;

namespace Signaling.Features.Hands;

/// <summary>
/// Raised hands and promotion across nodes (docs/conference-features.md). Main keeps each room's <see cref="RaisedHands"/>,
/// pushes <c>hands</c> to its moderators, and on approval issues a <see cref="PromotionTickets"/> ticket that reaches the
/// visitor as <c>promoted</c> (through its visitor node); the visitor joins main with it and is seated as participant. A
/// visitor node forwards its visitors' raise and lower to main and delivers main's decisions to them.
/// </summary>
internal sealed partial class HandService : IFederationFeature
{
    private readonly RoomRegistry _rooms;
    private readonly SignalingOptions _options;
    private readonly PromotionTickets _tickets;
    private readonly ILogger<HandService> _log;
    private readonly MainRoomSync? _main;
    private readonly NodeRoomSync? _node;
    private readonly Counter _promotions;
    private readonly ConditionalWeakTable<Room, RaisedHands> _hands = [];
    private readonly ConcurrentDictionary<string, RoomName> _raisedHere = new(StringComparer.Ordinal);

    /// <summary>Main when <paramref name="main"/> is given, a visitor node when <paramref name="node"/> is.</summary>
    public HandService(RoomRegistry rooms, SignalingOptions options, PromotionTickets tickets, SignalingMetrics metrics, ILogger<HandService> log, MainRoomSync? main = null, NodeRoomSync? node = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _rooms = rooms;
        _options = options;
        _tickets = tickets;
        _log = log;
        _main = main;
        _node = node;
        _promotions = Prometheus.Metrics.WithCustomRegistry(metrics.Registry).CreateCounter(
            "signaling_promotions_total", "Raised hands by outcome: requested (raised), approved, denied, auto (approved by the auto-promote list); main counts them.", "result");
    }

    /// <summary>Main: the promotion tickets (redeemed by <see cref="ClientConnection"/> at join).</summary>
    public PromotionTickets Tickets => _tickets;

    /// <summary>A visitor's <c>hand.raise</c> (or <c>hand.lower</c> when <paramref name="raise"/> is false): forwarded to main, or applied here on main.</summary>
    public void RaiseOrLower(Room room, RoomMember member, string? requestId, bool raise)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(member);
        if (!member.Visitor)
        {
            member.Connection.Send(ConferenceFeatures.Forbidden("only visitors raise a hand; you are a participant already", requestId));
            return;
        }

        if (_node is not null)
        {
            if (raise)
            {
                _raisedHere[member.Id] = room.Name;
                _node.Publish(room.Name.ToString(), HandTypes.Raise,
                    JsonSerializer.Serialize(new HandRaisePayload(member.Id, member.Name, member.Subject), HandJson.Default.HandRaisePayload));
            }
            else if (_raisedHere.TryRemove(member.Id, out _))
            {
                _node.Publish(room.Name.ToString(), HandTypes.Lower, JsonSerializer.Serialize(new HandUserPayload(member.Id), HandJson.Default.HandUserPayload));
            }

            return;
        }

        if (raise)
        {
            Raise(room, member.Id, member.Name, _options.NodeId, member.Subject);
        }
        else
        {
            Lower(room, member.Id);
        }
    }

    /// <summary>A moderator's <c>mod.approve</c> or <c>mod.deny</c>; anyone else, or a decision main cannot make, is refused (non-fatal).</summary>
    public void Decide(Room room, RoomMember member, ModDecideMessage decide)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(decide);
        if (ConferenceFeatures.RefuseUnlessMainModerator(_main, member, "approve or deny a raised hand", decide.Id))
        {
            return;
        }

        var hands = HandsOf(room);
        switch (hands.Decide(decide.User, decide.Approve, out var hand))
        {
            case HandDecision.NotRaised:
                member.Connection.Send(ConferenceFeatures.Forbidden($"'{decide.User}' has no raised hand (lowered, decided or gone)", decide.Id));
                return;
            case HandDecision.LimitReached:
                member.Connection.Send(ConferenceFeatures.Forbidden($"this room has promoted as many visitors as it may ({MaxPromoted(room.Name)})", decide.Id));
                return;
            case HandDecision.Approved:
                _promotions.WithLabels("approved").Inc();
                Promote(room, hand!);
                break;
            default:
                _promotions.WithLabels("denied").Inc();
                Deny(room, hand!);
                break;
        }

        LogDecision(_log, room.Name, hand!.UserId, decide.Approve ? "approved" : "denied", member.Id);
        PushHands(room, hands);
    }

    /// <summary>Right after a member's <c>joined</c>: a moderator on main gets the queue when hands are raised (also those raised before it came).</summary>
    public void Welcome(Room room, RoomMember member)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(member);
        if (_main is not null && member.Moderator && _hands.TryGetValue(room, out var hands))
        {
            room.WithMembers((_, _) =>
            {
                var (version, list) = hands.Snapshot();
                if (list.Count > 0)
                {
                    member.Connection.Send(new HandsMessage(version, [.. list.Select(Entry)]));
                }

                return true;
            });
        }
    }

    /// <summary>A member left: its raised hand goes with it.</summary>
    public void Left(Room room, RoomMember member)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(member);
        if (member.Visitor)
        {
            LowerOnLeave(room, member);
        }
    }

    /// <inheritdoc/>
    public bool TryHandle(string origin, FederationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        switch (e.Type)
        {
            case HandTypes.Raise when _main is not null:
                var raise = JsonSerializer.Deserialize(e.Payload, HandJson.Default.HandRaisePayload) ?? throw new JsonException("null");
                CheckUser(raise.User);
                if (!TextRules.IsClean(raise.Name ?? "", ProtocolLimits.MaxNameLength) || raise.Subject is { Length: > 256 })
                {
                    throw new JsonException("name or subject breaks the rules");
                }

                if (FindRoom(e.Room) is { } raiseRoom)
                {
                    Raise(raiseRoom, raise.User, raise.Name!, origin, raise.Subject);
                }

                return true;
            case HandTypes.Lower when _main is not null:
                var lower = JsonSerializer.Deserialize(e.Payload, HandJson.Default.HandUserPayload) ?? throw new JsonException("null");
                CheckUser(lower.User);
                if (FindRoom(e.Room) is { } lowerRoom)
                {
                    Lower(lowerRoom, lower.User);
                }

                return true;
            case HandTypes.Promote when _node is not null:
                var promote = JsonSerializer.Deserialize(e.Payload, HandJson.Default.PromotePayload) ?? throw new JsonException("null");
                CheckUser(promote.User);
                if (!PromotionTicketRules.IsWellFormed(promote.Ticket) || !Uri.TryCreate(promote.Url, UriKind.Absolute, out var url) || url.Scheme is not ("ws" or "wss"))
                {
                    throw new JsonException("ticket or url is malformed");
                }

                Deliver(e.Room, promote.User, new PromotedMessage(url, promote.Ticket));
                return true;
            case HandTypes.Denied when _node is not null:
                var denied = JsonSerializer.Deserialize(e.Payload, HandJson.Default.HandUserPayload) ?? throw new JsonException("null");
                CheckUser(denied.User);
                Deliver(e.Room, denied.User, new HandDeniedMessage());
                return true;
            default:
                return false;
        }
    }

    private void LowerOnLeave(Room room, RoomMember member)
    {
        if (_node is not null)
        {
            if (_raisedHere.TryRemove(member.Id, out _))
            {
                _node.Publish(room.Name.ToString(), HandTypes.Lower, JsonSerializer.Serialize(new HandUserPayload(member.Id), HandJson.Default.HandUserPayload));
            }

            return;
        }

        if (_hands.TryGetValue(room, out _))
        {
            Lower(room, member.Id);
        }
    }

    /// <summary>Main: queues a hand; a listed subject is promoted at once (when the limit allows), else moderators decide.</summary>
    private void Raise(Room room, string user, string name, string node, string? subject)
    {
        var hands = HandsOf(room);
        if (!hands.Raise(user, name, node))
        {
            return;
        }

        _promotions.WithLabels("requested").Inc();
        if (subject is not null && AutoPromotes(room.Name, subject) && hands.Decide(user, approve: true, out var hand) == HandDecision.Approved)
        {
            _promotions.WithLabels("auto").Inc();
            LogDecision(_log, room.Name, user, "auto-promoted", subject);
            Promote(room, hand!);
        }

        PushHands(room, hands);
    }

    private void Lower(Room room, string user)
    {
        var hands = HandsOf(room);
        if (hands.Lower(user))
        {
            PushHands(room, hands);
        }
    }

    /// <summary>Main: issues the ticket and sends <c>promoted</c> to the visitor, here or through its node.</summary>
    private void Promote(Room room, RaisedHand hand)
    {
        var ticket = _tickets.Issue(room.Name, hand.Name);
        var url = VisitorRedirector.SocketUrl(_options.EffectivePublicUrl);
        if (hand.Node == _options.NodeId)
        {
            Deliver(room, hand.UserId, new PromotedMessage(url, ticket));
            return;
        }

        _main!.Publish(room.Name.ToString(), HandTypes.Promote, JsonSerializer.Serialize(new PromotePayload(hand.UserId, ticket, url.AbsoluteUri), HandJson.Default.PromotePayload));
    }

    private void Deny(Room room, RaisedHand hand)
    {
        if (hand.Node == _options.NodeId)
        {
            Deliver(room, hand.UserId, new HandDeniedMessage());
            return;
        }

        _main!.Publish(room.Name.ToString(), HandTypes.Denied, JsonSerializer.Serialize(new HandUserPayload(hand.UserId), HandJson.Default.HandUserPayload));
    }

    /// <summary>The queue to the room's moderators on main, under the room's lock so that every moderator sees rising versions.</summary>
    private static void PushHands(Room room, RaisedHands hands) =>
        room.WithMembers((members, visitors) =>
        {
            var (version, list) = hands.Snapshot();
            var message = new HandsMessage(version, [.. list.Select(Entry)]);
            var moderators = members.Concat(visitors).Where(m => m.Moderator).ToList();
            return moderators.Count == 0 || Fanout.Send(message, moderators, []);
        });

    private void Deliver(string room, string user, ServerMessage message)
    {
        if (FindRoom(room) is { } target)
        {
            Deliver(target, user, message);
        }
    }

    private void Deliver(Room room, string user, ServerMessage message)
    {
        // Main sends every node each decision; only the node holding the visitor has it.
        _raisedHere.TryRemove(user, out _);
        room.WithMembers((_, visitors) =>
        {
            visitors.FirstOrDefault(v => v.Id == user)?.Connection.Send(message);
            return true;
        });
    }

    private RaisedHands HandsOf(Room room) => _hands.GetValue(room, r => new RaisedHands(MaxPromoted(r.Name)));

    private int MaxPromoted(RoomName room) =>
        _options.Tenants.GetValueOrDefault(room.Tenant)?.MaxPromoted ?? _options.MaxPromoted;

    private bool AutoPromotes(RoomName room, string subject) =>
        _options.AutoPromote.Contains(subject, StringComparer.Ordinal) ||
        (_options.Tenants.GetValueOrDefault(room.Tenant)?.AutoPromote?.Contains(subject, StringComparer.Ordinal) ?? false);

    private static HandEntry Entry(RaisedHand h) => new(h.UserId, h.Name, h.Node);

    private static void CheckUser(string? user)
    {
        if (!TextRules.IsClean(user ?? "", ProtocolLimits.MaxIdLength))
        {
            throw new JsonException("user must be a participant id");
        }
    }

    private Room? FindRoom(string room) => RoomName.TryParse(room, out var name, out var error) ? _rooms.Find(name) : throw new JsonException(error);

    [LoggerMessage(Level = LogLevel.Information, Message = "room {Room}: hand of {User} {Outcome} ({By})")]
    private static partial void LogDecision(ILogger logger, RoomName room, string user, string outcome, string by);
}
