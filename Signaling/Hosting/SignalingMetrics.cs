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
    private readonly Gauge.Child _visitors;

    /// <summary>Registers the metrics; figures are read from <paramref name="bridges"/> at scrape time.</summary>
    public SignalingMetrics(BridgeRegistry bridges, Microsoft.Extensions.Options.IOptions<SignalingOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _bridges = bridges;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _bridgeStates = factory.CreateGauge("signaling_bridges", "Registered bridges, by state (alive, out, failed).", "state");
        _participants = factory.CreateGauge("signaling_participants", "Participants joined on this node's WebSocket.");
        _joins = factory.CreateCounter("signaling_joins_total", "Join requests by outcome (participant, room-full, visitors-disabled, internal).", "result");
        // Labelled with the node id so a dashboard sums visitors over main and visitor nodes and still tells them apart.
        _visitors = factory.CreateGauge("signaling_visitors", "Visitors connected to this node's WebSocket, by node id.", "node").WithLabels(options.Value.NodeId);
        Registry.AddBeforeCollectCallback(Update);
    }

    /// <summary>Counts one join with outcome <paramref name="result"/>.</summary>
    public void CountJoin(string result) => _joins.WithLabels(result).Inc();

    /// <summary>A participant joined.</summary>
    public void ParticipantJoined() => _participants.Inc();

    /// <summary>A participant left or its connection closed.</summary>
    public void ParticipantLeft() => _participants.Dec();

    /// <summary>A visitor joined on this node.</summary>
    public void VisitorJoined() => _visitors.Inc();

    /// <summary>A visitor left or its connection closed.</summary>
    public void VisitorLeft() => _visitors.Dec();

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
