using Prometheus;
using Signaling.Bridges;

namespace Signaling.Hosting;

/// <summary>The main node's Prometheus metrics, in their own registry (served on /metrics).</summary>
public sealed class SignalingMetrics
{
    private readonly BridgeRegistry _bridges;
    private readonly Gauge _bridgeStates;
    private readonly BridgeState[] _states = Enum.GetValues<BridgeState>();

    /// <summary>Registers the metrics; figures are read from <paramref name="bridges"/> at scrape time.</summary>
    public SignalingMetrics(BridgeRegistry bridges)
    {
        _bridges = bridges;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _bridgeStates = factory.CreateGauge("signaling_bridges", "Registered bridges, by state (alive, out, failed).", "state");
        Registry.AddBeforeCollectCallback(Update);
    }

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
