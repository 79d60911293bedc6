using Prometheus;
using Signaling.Bridges;

namespace Signaling.Hosting;

/// <summary>The main node's Prometheus metrics, in their own registry (served on /metrics).</summary>
public sealed class SignalingMetrics
{
    private readonly BridgeRegistry _bridges;
    private readonly Gauge _bridgeStates;
    private readonly BridgeState[] _states = Enum.GetValues<BridgeState>();
    private readonly Gauge _participants;
    private readonly Counter _joins;
    private readonly Counter _bridgeLosses;
    private readonly Counter _endpointsMoved;
    private readonly Counter _treeRepairs;
    private readonly Counter _idleBranches;

    /// <summary>Registers the metrics; figures are read from <paramref name="bridges"/> at scrape time.</summary>
    public SignalingMetrics(BridgeRegistry bridges)
    {
        _bridges = bridges;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _bridgeStates = factory.CreateGauge("signaling_bridges", "Registered bridges, by state (alive, out, failed).", "state");
        _participants = factory.CreateGauge("signaling_participants", "Participants joined on this node's WebSocket.");
        _joins = factory.CreateCounter("signaling_joins_total", "Join requests by outcome (participant, room-full, visitors-disabled, internal).", "result");
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
        var list = _bridges.List();
        foreach (var state in _states)
        {
            var name = BridgeRegistry.StateName(state);
            _bridgeStates.WithLabels(name).Set(list.Count(b => b.State == name));
        }
    }
}
