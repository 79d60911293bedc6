using System.Text.Json;
using System.Text.Json.Serialization;
using Signaling.Features.Chat;
using Signaling.Features.Polls;
using Signaling.Protocol;

namespace Signaling.Nodes;

/// <summary>Federation event types between the main node and its visitor nodes (docs/visitor-nodes.md).</summary>
internal static class FederationTypes
{
    /// <summary>main → node: a room's stage (<see cref="StagePayload"/>).</summary>
    public const string Stage = "stage";

    /// <summary>main → node: a room's visitor total (<see cref="VisitorsPayload"/>); node → main: the node's count in a room (<see cref="NodeVisitorsPayload"/>).</summary>
    public const string Visitors = "visitors";

    /// <summary>main → node: a bridge was lost; the node moves its visitors on it (<see cref="BridgeLostPayload"/>).</summary>
    public const string BridgeLost = "bridge-lost";

    /// <summary>node → main: the node's heartbeat with its load (<see cref="LoadPayload"/>).</summary>
    public const string Load = "load";

    /// <summary>Room name of events that concern no single room.</summary>
    public const string AnyRoom = "*";
}

/// <summary>A room's stage at a version.</summary>
internal sealed record StagePayload(long Epoch, long Seq, IReadOnlyList<StageParticipant> Participants);

/// <summary>A room's visitor total across nodes at a version.</summary>
internal sealed record VisitorsPayload(long Epoch, long Seq, int Count);

/// <summary>The visitors one visitor node holds in a room, and how many each bridge holds (null from a node that predates it).</summary>
internal sealed record NodeVisitorsPayload(int Count, Dictionary<string, int>? Bridges = null);

/// <summary>
/// A visitor node's heartbeat: visitors held, redirected joiners that arrived since the last one, and the fingerprint of
/// its fleet-wide settings (<see cref="Tenants.FleetSettingsDigest"/>; null from a node that predates it).
/// </summary>
internal sealed record LoadPayload(int Visitors, int Arrived, string? Settings = null);

/// <summary>A bridge the main node lost.</summary>
internal sealed record BridgeLostPayload(string BridgeId);

/// <summary>A visitor node asks main where one more visitor of <paramref name="Room"/> goes.</summary>
internal sealed record PlacementRequest(string Room, string Node);

/// <summary>Main's answer: the bridge, its control API, and the room's state for a node taking the room up (chat and polls included).</summary>
internal sealed record PlacementResponse(string BridgeId, string Api, StagePayload Stage, VisitorsPayload Visitors, ChatSnapshotPayload? Chat = null, PollsPayload? Polls = null);

/// <summary>Main's refusal of a placement: a client protocol error code and a message for people.</summary>
internal sealed record PlacementRefusal(string Code, string Message);

/// <summary>System.Text.Json source generation for the federation payloads (camelCase, as on the client protocol).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(StagePayload))]
[JsonSerializable(typeof(VisitorsPayload))]
[JsonSerializable(typeof(NodeVisitorsPayload))]
[JsonSerializable(typeof(LoadPayload))]
[JsonSerializable(typeof(BridgeLostPayload))]
[JsonSerializable(typeof(PlacementRequest))]
[JsonSerializable(typeof(PlacementResponse))]
[JsonSerializable(typeof(PlacementRefusal))]
internal sealed partial class FederationJson : JsonSerializerContext;
