using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Signaling.Assignment;
using Signaling.Clients;
using Signaling.Federation;
using Signaling.Nodes;
using Signaling.Protocol;

namespace Signaling.Features.Polls;

/// <summary>
/// Polls across nodes (docs/conference-features.md). Main holds each room's <see cref="PollBook"/>: participants create
/// and close polls there, everyone votes there (a visitor node forwards its visitors' votes through its ordered outbox).
/// Changes are pushed as the whole poll set, coalesced to one push per room per <see cref="PushInterval"/>: main pushes
/// to its members and publishes to every node, a node pushes to its visitors only snapshots newer than the one it holds.
/// </summary>
internal sealed partial class PollService : PeriodicFlushService, IFederationFeature
{
    /// <summary>Shortest time between two pushes of a room's polls: a vote storm costs every client at most 4 frames a second.</summary>
    public static readonly TimeSpan PushInterval = TimeSpan.FromMilliseconds(250);

    private readonly RoomRegistry _rooms;
    private readonly FeatureMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<PollService> _log;
    private readonly MainRoomSync? _main;
    private readonly NodeRoomSync? _node;
    private readonly ConcurrentDictionary<Room, bool> _queued = new();

    /// <summary>Main when <paramref name="main"/> is given, a visitor node when <paramref name="node"/> is.</summary>
    public PollService(RoomRegistry rooms, FeatureMetrics metrics, TimeProvider time, ILogger<PollService> log, MainRoomSync? main = null, NodeRoomSync? node = null)
        : base(PushInterval, time)
    {
        _rooms = rooms;
        _metrics = metrics;
        _time = time;
        _log = log;
        _main = main;
        _node = node;
    }

    /// <summary>A client's <c>poll.create</c>: participants on main only; visitors get a non-fatal <c>forbidden</c>.</summary>
    public void Create(Room room, RoomMember member, PollCreateMessage create)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(create);
        if (member.Visitor || _main is null)
        {
            member.Connection.Send(ConferenceFeatures.Forbidden("only participants may create polls; visitors vote", create.Id));
            return;
        }

        room.WithMembers((_, _) =>
        {
            var poll = room.Polls.Book.Create(create.Question, create.Options, member.Id, out var refusal);
            if (poll is null)
            {
                member.Connection.Send(Refusal(refusal, create.Id));
                return false;
            }

            _metrics.CountPoll();
            var name = room.Name.ToString();
            LogCreated(_log, name, poll.Id, member.Id, poll.Options.Count);
            QueueLocked(room);
            return true;
        });
    }

    /// <summary>A client's <c>poll.vote</c>: counted here (main) or checked against the node's snapshot and forwarded to main.</summary>
    public void Vote(Room room, RoomMember member, PollVoteMessage vote)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(vote);
        room.WithMembers((_, _) =>
        {
            if (_node is not null)
            {
                // Refused here when it would be refused at main; a poll closed meanwhile is refused there (logged).
                var current = room.Polls.Current;
                var poll = current.Polls.FirstOrDefault(p => p.Id == vote.Poll);
                var refusal = poll is null ? PollRefusal.UnknownPoll : poll.Closed ? PollRefusal.Closed : vote.Option >= poll.Options.Count ? PollRefusal.UnknownOption : (PollRefusal?)null;
                if (refusal is not null)
                {
                    member.Connection.Send(Refusal(refusal, vote.Id));
                    return false;
                }

                _node.Publish(room.Name.ToString(), PollTypes.Vote,
                    JsonSerializer.Serialize(new NodeVotePayload(current.Epoch, member.Id, vote.Poll, vote.Option), PollJson.Default.NodeVotePayload));
                _metrics.CountVote();
                return true;
            }

            if (room.Polls.Book.Vote(vote.Poll, member.Id, vote.Option, out var mainRefusal) is null)
            {
                member.Connection.Send(Refusal(mainRefusal, vote.Id));
                return false;
            }

            _metrics.CountVote();
            QueueLocked(room);
            return true;
        });
    }

    /// <summary>A client's <c>poll.close</c>: the poll's creator or a moderator (participants on main) freezes it.</summary>
    public void Close(Room room, RoomMember member, PollCloseMessage close)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(member);
        ArgumentNullException.ThrowIfNull(close);
        if (_main is null)
        {
            // A visitor node holds visitors only: never a poll's creator, never a moderator.
            member.Connection.Send(ConferenceFeatures.Forbidden("only the poll's creator or a moderator may close it", close.Id));
            return;
        }

        room.WithMembers((_, _) =>
        {
            var poll = room.Polls.Book.Snapshot().Polls.FirstOrDefault(p => p.Id == close.Poll);
            if (poll is null)
            {
                member.Connection.Send(Refusal(PollRefusal.UnknownPoll, close.Id));
                return false;
            }

            if (!member.Moderator && poll.CreatedBy != member.Id)
            {
                member.Connection.Send(ConferenceFeatures.Forbidden("only the poll's creator or a moderator may close it", close.Id));
                return false;
            }

            room.Polls.Book.Close(close.Poll, out _);
            var name = room.Name.ToString();
            LogClosed(_log, name, close.Poll, member.Id);
            QueueLocked(room);
            return true;
        });
    }

    /// <summary>Main: the room's polls for a visitor node taking the room up (placement answer).</summary>
    public PollsPayload Snapshot(Room room)
    {
        ArgumentNullException.ThrowIfNull(room);
        return room.WithMembers((_, _) =>
        {
            room.Polls.TakeAuthority(_main?.Epoch ?? 0);
            var current = room.Polls.Current;
            return new PollsPayload(current.Epoch, current.Version, current.Polls);
        });
    }

    /// <summary>Visitor node: takes up main's polls of <paramref name="room"/> (placement answer or stream event); the room's visitors get them when newer.</summary>
    public void Apply(Room room, PollsPayload snapshot)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(snapshot);
        Check(snapshot);
        room.WithMembers((_, _) =>
        {
            if (room.Polls.Apply(new PollsMessage(snapshot.Epoch, snapshot.Version, snapshot.Polls)))
            {
                QueueLocked(room);
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
            case PollTypes.Vote when _main is not null:
                OnNodeVote(origin, e);
                return true;
            case PollTypes.Polls when _node is not null:
                var snapshot = JsonSerializer.Deserialize(e.Payload, PollJson.Default.PollsPayload) ?? throw new JsonException("null");
                if (FindRoom(e.Room) is { } room)
                {
                    Apply(room, snapshot);
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>Pushes every queued room's newest poll set: main to its members and every node, a node to its visitors.</summary>
    internal override void Flush()
    {
        foreach (var room in _queued.Keys)
        {
            _queued.TryRemove(room, out _);
            room.WithMembers((members, visitors) =>
            {
                room.Polls.PushQueued = false;
                var current = room.Polls.Current;
                Fanout.Send(current, members, visitors);
                _main?.Publish(room.Name.ToString(), PollTypes.Polls,
                    JsonSerializer.Serialize(new PollsPayload(current.Epoch, current.Version, current.Polls), PollJson.Default.PollsPayload));
                return true;
            });
        }
    }

    /// <summary>Main: a visitor's vote forwarded by node <paramref name="origin"/>; replayed events re-cast the same vote, which changes nothing.</summary>
    private void OnNodeVote(string origin, FederationEvent e)
    {
        var vote = JsonSerializer.Deserialize(e.Payload, PollJson.Default.NodeVotePayload) ?? throw new JsonException("null");
        // A node speaks for its own visitors only (their ids are "<node>-<n>").
        if (!TextRules.IsClean(vote.Voter ?? "", ProtocolLimits.MaxIdLength) || !vote.Voter!.StartsWith(origin + "-", StringComparison.Ordinal) ||
            !TextRules.IsClean(vote.Poll ?? "", ProtocolLimits.MaxIdLength))
        {
            throw new JsonException("voter must be one of the node's visitors, poll a poll id");
        }

        var room = FindRoom(e.Room);
        if (room is null || vote.Epoch != _main!.Epoch)
        {
            LogVoteDropped(_log, origin, e.Room, room is null ? "the room is not in use" : "it was cast on the polls of an earlier main node");
            return;
        }

        room.WithMembers((_, _) =>
        {
            if (room.Polls.Book.Vote(vote.Poll!, vote.Voter, vote.Option, out var refusal) is null)
            {
                LogVoteDropped(_log, origin, e.Room, refusal == PollRefusal.Closed ? "the poll was closed meanwhile" : "no such poll or option");
                return false;
            }

            QueueLocked(room);
            return true;
        });
    }

    /// <summary>Queues one push of the room's polls (under the room's lock); a storm of changes before the next tick costs one.</summary>
    private void QueueLocked(Room room)
    {
        room.Polls.TakeAuthority(_main?.Epoch ?? 0);
        if (!room.Polls.PushQueued)
        {
            room.Polls.PushQueued = true;
            _queued.TryAdd(room, true);
        }
    }

    private static ErrorMessage Refusal(PollRefusal? refusal, string? inReplyTo) => refusal switch
    {
        PollRefusal.UnknownPoll => new ErrorMessage(ErrorCode.BadField, "no such poll in this room", inReplyTo, Fatal: false, Field: "poll"),
        PollRefusal.UnknownOption => new ErrorMessage(ErrorCode.BadField, "the poll has no such option", inReplyTo, Fatal: false, Field: "option"),
        PollRefusal.Closed => ConferenceFeatures.Forbidden("the poll is closed: its results are final", inReplyTo),
        PollRefusal.TooMany => ConferenceFeatures.Forbidden($"the room has {PollBook.MaxPolls} polls, the most it keeps", inReplyTo),
        _ => new ErrorMessage(ErrorCode.BadField, $"a poll needs a question and {PollBook.MinOptions}-{PollBook.MaxOptions} options", inReplyTo, Fatal: false, Field: "options"),
    };

    /// <summary>Refuses a snapshot a client must not see (main is trusted, but a corrupted entry must not reach clients).</summary>
    private static void Check(PollsPayload snapshot)
    {
        foreach (var p in snapshot.Polls ?? throw new JsonException("polls missing"))
        {
            if (p is null || !TextRules.IsClean(p.Id ?? "", ProtocolLimits.MaxIdLength) || !TextRules.IsClean(p.Question ?? "", PollBook.MaxTextLength) ||
                !TextRules.IsClean(p.CreatedBy ?? "", ProtocolLimits.MaxIdLength) || p.Options is not { Count: >= PollBook.MinOptions and <= PollBook.MaxOptions } ||
                p.Tallies is null || p.Tallies.Count != p.Options.Count || p.Tallies.Any(t => t < 0) || !p.Options.All(o => TextRules.IsClean(o ?? "", PollBook.MaxTextLength)))
            {
                throw new JsonException("a poll breaks the poll rules");
            }
        }
    }

    private Room? FindRoom(string room) => RoomName.TryParse(room, out var name, out var error) ? _rooms.Find(name) : throw new JsonException(error);

    [LoggerMessage(Level = LogLevel.Information, Message = "room {Room}: poll {Poll} created by {Member} with {Options} options")]
    private static partial void LogCreated(ILogger logger, string room, string poll, string member, int options);

    [LoggerMessage(Level = LogLevel.Information, Message = "room {Room}: poll {Poll} closed by {Member}")]
    private static partial void LogClosed(ILogger logger, string room, string poll, string member);

    [LoggerMessage(Level = LogLevel.Warning, Message = "vote from visitor node {Node} for room {Room} not counted: {Reason}")]
    private static partial void LogVoteDropped(ILogger logger, string node, string room, string reason);
}
