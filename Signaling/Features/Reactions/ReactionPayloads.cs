using System.Text.Json;
using System.Text.Json.Serialization;

namespace Signaling.Features.Reactions;

/// <summary>Reactions of one room during one interval, by emoji: node → main (the node's visitors) and main → node (the whole room's).</summary>
internal sealed record ReactionsPayload(Dictionary<string, int> Counts, int IntervalMs);

/// <summary>System.Text.Json source generation for the reaction payloads (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ReactionsPayload))]
internal sealed partial class ReactionJson : JsonSerializerContext;
