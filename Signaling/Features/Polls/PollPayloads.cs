using System.Text.Json;
using System.Text.Json.Serialization;

namespace Signaling.Features.Polls;

/// <summary>Federation event types of the polls (docs/conference-features.md).</summary>
internal static class PollTypes
{
    /// <summary>main → node: the room's whole poll set at a version (<see cref="PollsPayload"/>).</summary>
    public const string Polls = "polls";

    /// <summary>node → main: a visitor's vote (<see cref="NodeVotePayload"/>).</summary>
    public const string Vote = "poll-vote";
}

/// <summary>
/// A visitor's vote forwarded by its node: <paramref name="Epoch"/> is main's epoch of the poll set the visitor saw, so a
/// restarted main (whose poll ids start again) never counts it for another poll.
/// </summary>
internal sealed record NodeVotePayload(long Epoch, string Voter, string Poll, int Option);

/// <summary>A room's whole poll set at main's <paramref name="Epoch"/> and the room's <paramref name="Version"/> (stream events and placement answers).</summary>
internal sealed record PollsPayload(long Epoch, long Version, IReadOnlyList<PollView> Polls);

/// <summary>System.Text.Json source generation for the poll payloads (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(NodeVotePayload))]
[JsonSerializable(typeof(PollsPayload))]
internal sealed partial class PollJson : JsonSerializerContext;
