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
}
