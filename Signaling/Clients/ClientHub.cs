using Microsoft.Extensions.Logging;
using Signaling.Assignment;
using Signaling.Bridges;
using Signaling.Hosting;
using Signaling.Protocol;

namespace Signaling.Clients;

/// <summary>What every client connection of this node shares: rooms, bridges, the bridge API client, visitor placement, limits and metrics.</summary>
internal sealed class ClientHub(
    RoomRegistry rooms,
    BridgeRegistry bridges,
    BridgeApiClient bridgeApi,
    IVisitorPlacer visitors,
    SignalingMetrics metrics,
    SignalingOptions options,
    TimeProvider time,
    ILogger<ClientConnection> log)
{
    private long _participantIds;

    /// <summary>The client heartbeat period announced in <c>welcome</c>; a connection silent for 3 periods is closed.</summary>
    public const int HeartbeatSeconds = 15;

    /// <summary>Rooms in use on this node.</summary>
    public RoomRegistry Rooms { get; } = rooms;

    /// <summary>The bridges and their selector.</summary>
    public BridgeRegistry Bridges { get; } = bridges;

    /// <summary>Calls bridges' control APIs.</summary>
    public BridgeApiClient BridgeApi { get; } = bridgeApi;

    /// <summary>Places visitors on bridges of their room's relay tree.</summary>
    public IVisitorPlacer Visitors { get; } = visitors;

    /// <summary>Participant and join metrics.</summary>
    public SignalingMetrics Metrics { get; } = metrics;

    /// <summary>This node's id, announced in <c>welcome</c>.</summary>
    public string NodeId { get; } = options.NodeId;

    /// <summary>Frame and nesting limits.</summary>
    public ProtocolLimits Limits { get; } = ProtocolLimits.Default;

    /// <summary>The per-connection rate limit.</summary>
    public RateLimitOptions RateLimit { get; } = RateLimitOptions.Default;

    /// <summary>The clock of the rate limiters.</summary>
    public TimeProvider Time { get; } = time;

    /// <summary>Log of client connections.</summary>
    public ILogger<ClientConnection> Log { get; } = log;

    /// <summary>A participant id unique on this node (<c>p-1</c>, <c>p-2</c>, ...): also the bridge endpoint id, so it stays within the bridge id alphabet.</summary>
    public string NextParticipantId() => "p-" + Interlocked.Increment(ref _participantIds).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
