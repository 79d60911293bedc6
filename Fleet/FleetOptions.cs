namespace Fleet;

/// <summary>What a local fleet runs: bridges, a main signaling node and visitor nodes on loopback, and its thresholds.</summary>
public sealed record FleetOptions
{
    /// <summary>Bridges (1..16): the first ("core") is where rooms start, the others are visitor bridges ("vb1", ...). Default 3.</summary>
    public int Bridges { get; init; } = 3;

    /// <summary>Visitor signaling nodes (0..16; 0: main serves visitors itself). Default 2.</summary>
    public int VisitorNodes { get; init; } = 2;

    /// <summary>Main signaling port; visitor node N listens on this + N. 0: free ports. Default 7070.</summary>
    public int SignalingPort { get; init; } = 7070;

    /// <summary>First bridge control-API port (one per bridge, consecutive); 0: free ports. Default 8080.</summary>
    public int BridgeApiPort { get; init; } = 8080;

    /// <summary>First bridge media port (one per bridge, consecutive); 0: free ports. Default 10000.</summary>
    public int MediaPort { get; init; } = 10000;

    /// <summary>Main participants per room before joiners become visitors. Default 2, so three tabs show the visitor path.</summary>
    public int MaxParticipants { get; init; } = 2;

    /// <summary>Visitors a visitor node takes before the next is preferred. Default 2000.</summary>
    public int MaxVisitorsPerNode { get; init; } = 2000;

    /// <summary>Relay children per bridge in a room's tree (2..64). Default 2.</summary>
    public int RelayFanOut { get; init; } = 2;

    /// <summary>Redis connection string for the federation bus; null: one in-process bus shared by the nodes. Default null.</summary>
    public string? Redis { get; init; }

    /// <summary>Per visitor node id, a Redis connection string replacing <see cref="Redis"/> for that node (tests cut one node's link through a proxy). Default none.</summary>
    public IReadOnlyDictionary<string, string> NodeRedis { get; init; } = new Dictionary<string, string>();

    /// <summary>Per-tenant settings (join-token secrets, limits) every signaling node gets (<c>Signaling:Tenants</c>). Default none: every tenant open.</summary>
    public IReadOnlyDictionary<string, Signaling.Tenants.TenantOptions> Tenants { get; init; } = new Dictionary<string, Signaling.Tenants.TenantOptions>();

    /// <summary>Packets per second one endpoint costs a bridge (signaling's bridge capacity in endpoints). Default 400.</summary>
    public int EndpointPacketsPerSecond { get; init; } = 400;

    /// <summary>
    /// For the load tools: an <see cref="EndpointPacketsPerSecond"/> (at most the default) under which
    /// <paramref name="endpointsPerBridge"/> endpoints bring a bridge of the default capacity only to <paramref name="stress"/>,
    /// with a 50% margin, so placement spreads them by recent adds instead of overflowing onto the core.
    /// </summary>
    public static int EndpointPacketsPerSecondFor(double endpointsPerBridge, double stress) =>
        (int)Math.Clamp(new Bridge.Hosting.BridgeOptions().EffectiveCapacityPacketsPerSecond * stress / (endpointsPerBridge * 1.5), 1, new FleetOptions().EndpointPacketsPerSecond);

    /// <summary>Seconds a visitor bridge stays in a room's relay tree without visitors of the room (<c>Signaling:IdleBranchSeconds</c>). Default 30.</summary>
    public int IdleBranchSeconds { get; init; } = 30;
}
