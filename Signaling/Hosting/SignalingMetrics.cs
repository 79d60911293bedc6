using Prometheus;
using Signaling.Bridges;

namespace Signaling.Hosting;

/// <summary>A signaling node's Prometheus metrics (main or visitor role), in their own registry (served on /metrics).</summary>
public sealed class SignalingMetrics
{
    private readonly BridgeRegistry _bridges;
    private readonly Gauge _bridgeStates;
    private readonly BridgeState[] _states = Enum.GetValues<BridgeState>();
    private readonly Gauge _participants;
    private readonly Counter _joins;
    private readonly Gauge.Child _localVisitors;
    private readonly Gauge _nodeLoad;
    private readonly Gauge _nodeSettingsDiffer;
    private readonly Counter _redirects;
    private readonly Histogram _joinSeconds;
    private readonly Gauge _conferences;
    private readonly Gauge _federationUp;
    private readonly Gauge _federationPending;
    private readonly Counter _federationEvents;
    private Func<int>? _roomCount;
    private Func<(bool Up, long Pending)>? _federation;
    private readonly Counter _bridgeLosses;
    private readonly Counter _endpointsMoved;
    private readonly Counter _treeRepairs;
    private readonly Counter _idleBranches;

    /// <summary>Registers the metrics; figures are read from <paramref name="bridges"/> at scrape time.</summary>
    public SignalingMetrics(BridgeRegistry bridges, string nodeId = "main")
    {
        _bridges = bridges;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _bridgeStates = factory.CreateGauge("signaling_bridges", "Registered bridges, by state (alive, out, failed).", "state");
        _participants = factory.CreateGauge("signaling_participants", "Participants joined on this node's WebSocket.");
        _joins = factory.CreateCounter("signaling_joins_total", "Join requests by outcome (participant, room-full, visitors-disabled, internal).", "result");
        // Labelled with the node id so a dashboard sums visitors over main and visitor nodes and still tells them apart.
        _localVisitors = factory.CreateGauge("signaling_visitors", "Visitors connected to this node's WebSocket, by node id.", "node").WithLabels(nodeId);
        _nodeLoad = factory.CreateGauge("signaling_visitor_node_load", "Main: visitors each visitor node reported in its last heartbeat.", "node");
        _nodeSettingsDiffer = factory.CreateGauge("signaling_visitor_node_settings_differ", "Main: 1 while a visitor node holds other tenant or admission settings than main, by node.", "node");
        _redirects = factory.CreateCounter("signaling_redirects_total", "Joiners redirected to a visitor node, by node.", "node");
        _joinSeconds = factory.CreateHistogram("signaling_join_duration_seconds", "Time from a join request to joined (bridge endpoint ready), by role.",
            new HistogramConfiguration { LabelNames = ["role"], Buckets = Histogram.ExponentialBuckets(0.005, 2, 12) });
        _conferences = factory.CreateGauge("signaling_conferences", "Rooms in use on this node.");
        _federationUp = factory.CreateGauge("signaling_federation_link_up", "1 while the federation bus is reachable, else 0.");
        _federationPending = factory.CreateGauge("signaling_federation_pending_events", "Federation events queued for publishing (grows while the bus is down).");
        _federationEvents = factory.CreateCounter("signaling_federation_events_total", "Federation events, by direction (in, out, bad) and type.", "direction", "type");
        _bridgeLosses = factory.CreateCounter("signaling_bridge_losses_total", "Bridges lost (silent past the limit, or failed) and repaired after.");
        _endpointsMoved = factory.CreateCounter("signaling_endpoints_moved_total", "Client endpoints moved off a lost bridge (the client got reoffer), by role (participant, visitor).", "role");
        _treeRepairs = factory.CreateCounter("signaling_tree_repairs_total", "Room relay trees re-planned because one of their bridges was lost.");
        _idleBranches = factory.CreateCounter("signaling_idle_branches_removed_total", "Visitor bridges taken out of a room's relay tree after staying without visitors.");
        Registry.AddBeforeCollectCallback(Update);
    }

    /// <summary>Counts one join with outcome <paramref name="result"/>.</summary>
    public void CountJoin(string result) => _joins.WithLabels(result).Inc();

    /// <summary>A participant joined.</summary>
    public void ParticipantJoined() => _participants.Inc();

    /// <summary>A participant left or its connection closed.</summary>
    public void ParticipantLeft() => _participants.Dec();

    /// <summary>A visitor joined on this node.</summary>
    public void VisitorJoined() => _localVisitors.Inc();

    /// <summary>A visitor of this node left.</summary>
    public void VisitorLeft() => _localVisitors.Dec();

    /// <summary>Visitors held on this node now.</summary>
    public int LocalVisitors => (int)_localVisitors.Value;

    /// <summary>Main: the visitor count visitor node <paramref name="node"/> reported.</summary>
    public void SetNodeVisitors(string node, int count) => _nodeLoad.WithLabels(node).Set(count);

    /// <summary>Main: 1 while a visitor node's heartbeat carries other fleet-wide settings than main's, else 0.</summary>
    public void SetNodeSettingsDiffer(string node, bool differs) => _nodeSettingsDiffer.WithLabels(node).Set(differs ? 1 : 0);

    /// <summary>Counts one redirect to <paramref name="node"/>.</summary>
    public void CountRedirect(string node) => _redirects.WithLabels(node).Inc();

    /// <summary>Records how long a join of <paramref name="role"/> took.</summary>
    public void ObserveJoin(string role, TimeSpan duration) => _joinSeconds.WithLabels(role).Observe(duration.TotalSeconds);

    /// <summary>Counts a federation event (<paramref name="direction"/> in, out or bad).</summary>
    public void CountFederationEvent(string direction, string type) => _federationEvents.WithLabels(direction, type).Inc();

    /// <summary>Reads the room count and the federation state at scrape time.</summary>
    public void Attach(Func<int> roomCount, Func<(bool Up, long Pending)> federation)
    {
        _roomCount = roomCount;
        _federation = federation;
    }

    /// <summary>A bridge was lost.</summary>
    public void CountBridgeLoss() => _bridgeLosses.Inc();

    /// <summary>A client endpoint of <paramref name="role"/> (participant, visitor) moved off a lost bridge.</summary>
    public void CountEndpointMoved(string role) => _endpointsMoved.WithLabels(role).Inc();

    /// <summary>A room's relay tree was re-planned after a loss.</summary>
    public void CountTreeRepair() => _treeRepairs.Inc();

    /// <summary>An idle visitor bridge left a room's relay tree.</summary>
    public void CountIdleBranchRemoved() => _idleBranches.Inc();

    /// <summary>The registry served on /metrics.</summary>
    public CollectorRegistry Registry { get; }

    private void Update()
    {
        if (_roomCount is not null)
        {
            _conferences.Set(_roomCount());
        }

        if (_federation is not null)
        {
            var (up, pending) = _federation();
            _federationUp.Set(up ? 1 : 0);
            _federationPending.Set(pending);
        }

        var list = _bridges.List();
        foreach (var state in _states)
        {
            var name = BridgeRegistry.StateName(state);
            _bridgeStates.WithLabels(name).Set(list.Count(b => b.State == name));
        }
    }
}
