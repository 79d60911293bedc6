using Signaling.Features.Polls;

namespace Signaling.Protocol;

/// <summary><c>poll.create</c>: a participant opens a poll with a question and 2-10 options (trimmed, 1-300 scalar values each).</summary>
public sealed record PollCreateMessage(string? Id, string Question, IReadOnlyList<string> Options) : RoomFeatureMessage(Id);

/// <summary><c>poll.vote</c>: a vote for option <paramref name="Option"/> (0-based) of poll <paramref name="Poll"/>; a second vote replaces the first.</summary>
public sealed record PollVoteMessage(string? Id, string Poll, int Option) : RoomFeatureMessage(Id);

/// <summary><c>poll.close</c>: the poll's creator or a moderator freezes its results.</summary>
public sealed record PollCloseMessage(string? Id, string Poll) : RoomFeatureMessage(Id);

/// <summary>
/// <c>polls</c>: every poll of the room with its tallies, at main's <paramref name="Epoch"/> and the room's
/// <paramref name="Version"/>; a client keeps the newest (higher epoch, or same epoch and higher version).
/// </summary>
public sealed record PollsMessage(long Epoch, long Version, IReadOnlyList<PollView> Polls) : ServerMessage;
