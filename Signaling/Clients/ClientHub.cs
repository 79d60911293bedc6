using Microsoft.Extensions.Logging;
using Signaling.Assignment;
using Signaling.Bridges;
using Signaling.Features;
using Signaling.Hosting;
using Signaling.Nodes;
using Signaling.Protocol;
using Signaling.Tenants;

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
    ILogger<ClientConnection> log,
    ConferenceFeatures features,
    VisitorRedirector? redirector = null,
    NodeRoomSync? nodeSync = null,
    TenantAccess? tenants = null)
{
    private readonly string _idPrefix = options.Role == SignalingOptions.VisitorRole ? options.NodeId + "-" : "p-";
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

    /// <summary>Room features: chat, reactions, moderation.</summary>
    public ConferenceFeatures Features { get; } = features;

    /// <summary>Main: sends visitors to visitor nodes when some are configured and alive; null on a visitor node.</summary>
    public VisitorRedirector? Redirector { get; } = redirector;

    /// <summary>Visitor node: the link to main (arrivals for its heartbeat); null on main.</summary>
    public NodeRoomSync? NodeSync { get; } = nodeSync;

    /// <summary>The tenants' join rules (tokens); without any configured, every tenant is open.</summary>
    public TenantAccess Tenants { get; } = tenants ?? new TenantAccess(new Dictionary<string, TenantOptions>(), time, metrics.Registry);

    /// <summary>True on a visitor node: every joiner is a visitor, placed by main.</summary>
    public bool IsVisitorNode => NodeSync is not null;

    /// <summary>
    /// A participant id unique across the fleet: <c>p-1</c>, <c>p-2</c>, ... on main, <c>v1-1</c>, ... on visitor node v1. It is
    /// also the bridge endpoint id, so it stays within the bridge id alphabet (node ids use the same one).
    /// </summary>
    public string NextParticipantId() => _idPrefix + Interlocked.Increment(ref _participantIds).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
