using Signaling.Tenants;

namespace Signaling.Hosting;

/// <summary>Main-node settings, bound from the configuration section "Signaling" and validated at start-up.</summary>
public sealed class SignalingOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Signaling";

    /// <summary>Listen address of the HTTP host (/health, /metrics, /bridges). Defaults to http://127.0.0.1:7070.</summary>
    public string Url { get; set; } = "http://127.0.0.1:7070";

    /// <summary>This node's id, announced to clients in <c>welcome</c> (1-64 of A-Z a-z 0-9 - _ .). Defaults to "main".</summary>
    public string NodeId { get; set; } = "main";

    /// <summary>Bearer secret bridges must send (their Bridge:ApiSecret); also guards GET /bridges and is sent on control-API calls to bridges. Defaults to none: open, local use only.</summary>
    public string? BridgeSecret { get; set; }

    /// <summary>Seconds between bridge reports (the bridges' Bridge:ReportIntervalSeconds) and between sweeps. Defaults to 5.</summary>
    public int ReportIntervalSeconds { get; set; } = 5;

    /// <summary>A bridge silent for this many report intervals is out. Defaults to 3.</summary>
    public int MissedReportsBeforeOut { get; set; } = 3;

    /// <summary>Packets per second one endpoint costs a bridge at full rate; capacity in endpoints = capacityPps / this. Defaults to 400.</summary>
    public int EndpointPacketsPerSecond { get; set; } = 400;

    /// <summary>Most relay children a bridge of a room's relay tree feeds (TreePlanner fan-out, 2..64). Defaults to 8.</summary>
    public int RelayFanOut { get; set; } = BridgeRelay.Tree.TreePlanner.DefaultFanOut;

    /// <summary>Seconds a visitor bridge of a room's relay tree may stay without visitors of the room before it leaves the tree (1..3600). Defaults to 30.</summary>
    public int IdleBranchSeconds { get; set; } = 30;

    /// <summary>"main" (the authority for its conferences) or "visitor" (holds visitors' WebSockets, federated with main). Set by <c>--role</c>. Defaults to "main".</summary>
    public string Role { get; set; } = MainRole;

    /// <summary>Where clients reach this node (ws/wss is derived from it); sent in <c>redirect</c> by main. Defaults to <see cref="Url"/>.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Visitor role: the main node's HTTP URL (placements of visitors on bridges). Required for a visitor node.</summary>
    public string? MainUrl { get; set; }

    /// <summary>Main role: the visitor nodes joiners are redirected to. Empty: the main node serves visitors itself.</summary>
    public List<VisitorNodeEntry> VisitorNodes { get; set; } = [];

    /// <summary>Bearer secret of the node-to-node HTTP calls (at least 16 characters). Defaults to none: open, local use only.</summary>
    public string? NodeSecret { get; set; }

    /// <summary>StackExchange.Redis connection string of the federation bus. Defaults to none: an in-process bus (one-process fleets only).</summary>
    public string? Redis { get; set; }

    /// <summary>Main participants per room before joiners become visitors (per-room overrides apply). Defaults to 30.</summary>
    public int MaxParticipants { get; set; } = Assignment.RoomPolicy.Default.MaxParticipants;

    /// <summary>Visitors a visitor node should hold; beyond it a node gets joiners only as overflow. Defaults to 2000.</summary>
    public int MaxVisitorsPerNode { get; set; } = 2000;

    /// <summary>Whether rooms admit visitors unless a room or tenant override says otherwise. Defaults to true.</summary>
    public bool VisitorsEnabled { get; set; } = true;

    /// <summary>Per-tenant settings by tenant name (<c>Signaling:Tenants:acme:JwtSecret</c>): join tokens and admission limits. Every node of a fleet holds the same. Defaults to none: every tenant open, node-wide limits.</summary>
    public Dictionary<string, TenantOptions> Tenants { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Public chat messages a room keeps for late joiners and for visitor nodes taking the room up (1..10000). Defaults to 500.</summary>
    public int ChatHistory { get; set; } = 500;

    /// <summary>Whether rooms hold visitors back ("the meeting will start soon") until a moderator goes live (per-tenant override: <c>Tenants:&lt;t&gt;:LiveRoom</c>). Defaults to false.</summary>
    public bool LiveRoom { get; set; }

    /// <summary>Visitors a room may promote to participants (0..10000; per-tenant override). Defaults to 10.</summary>
    public int MaxPromoted { get; set; } = 10;

    /// <summary>Token subjects (<c>sub</c>) promoted as soon as they raise a hand, in every tenant (tenants add their own list). Defaults to none.</summary>
    public List<string> AutoPromote { get; set; } = [];

    /// <summary>The main role's name.</summary>
    public const string MainRole = "main";

    /// <summary>The visitor role's name.</summary>
    public const string VisitorRole = "visitor";

    /// <summary>The URL clients reach this node at.</summary>
    public string EffectivePublicUrl => string.IsNullOrEmpty(PublicUrl) ? Url : PublicUrl;
}

/// <summary>A visitor node as the main node knows it: its id and the URL its clients connect to.</summary>
public sealed class VisitorNodeEntry
{
    /// <summary>The node's id (its <c>Signaling:NodeId</c>).</summary>
    public string Id { get; set; } = "";

    /// <summary>The node's public http(s) URL; clients are redirected to its <c>/ws</c>.</summary>
    public string Url { get; set; } = "";
}
