using BridgeRelay.Contracts;
using Signaling.Assignment;

namespace Signaling.Bridges;

/// <summary>Whether a registered bridge can be chosen; the <c>state</c> of GET /bridges and of <c>signaling_bridges</c>.</summary>
public enum BridgeState
{
    /// <summary>Reporting and not failed: a candidate for selection.</summary>
    Alive,
    /// <summary>Silent for the configured number of report intervals: never chosen until it reports again.</summary>
    Out,
    /// <summary>Marked failed (an allocation on it failed): not chosen for the selector's failure hold.</summary>
    Failed,
}

/// <summary>One bridge as GET /bridges lists it: its last report plus what the selector makes of it.</summary>
public sealed record RegisteredBridge(
    BridgeReport Report,
    string State,
    int CapacityEndpoints,
    double CorrectedStress,
    double SecondsSinceReport);

/// <summary>
/// The main node's view of its bridges: turns each report into <see cref="BridgeSelector.Register"/> plus
/// <see cref="BridgeSelector.Report"/>, keeps the last report of every bridge (also of bridges that went out, so operators
/// see them), and sweeps silent bridges out of selection. Thread-safe.
/// </summary>
public sealed class BridgeRegistry
{
    private readonly TimeProvider _time;
    private readonly double _endpointPacketsPerSecond;
    private readonly SortedDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>
    /// Wraps <paramref name="selector"/>; a bridge's capacity in endpoints (what the selector's recently-added correction
    /// divides by) is its reported packet capacity over <paramref name="endpointPacketsPerSecond"/>.
    /// </summary>
    public BridgeRegistry(BridgeSelector selector, TimeProvider time, double endpointPacketsPerSecond)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(time);
        if (!double.IsFinite(endpointPacketsPerSecond) || endpointPacketsPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(endpointPacketsPerSecond), "must be a positive number");
        }

        Selector = selector;
        _time = time;
        _endpointPacketsPerSecond = endpointPacketsPerSecond;
    }

    /// <summary>The selector the registry feeds; joins choose bridges from it.</summary>
    public BridgeSelector Selector { get; }

    /// <summary>Records a report; true when it (re-)registered the bridge: first report, or first after it went out.</summary>
    public bool Accept(BridgeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        lock (_lock)
        {
            var known = _entries.TryGetValue(report.BridgeId, out var entry) && !entry.Out;
            Selector.Register(report.BridgeId, report.Region, CapacityEndpoints(report), TimeSpan.FromSeconds(report.ReportIntervalSeconds));
            Selector.Report(report.BridgeId, new BridgeStats(report.Stress, report.Endpoints));
            _entries[report.BridgeId] = new Entry(report, _time.GetTimestamp(), Out: false);
            return !known;
        }
    }

    /// <summary>The control API of <paramref name="bridgeId"/> from its last report, or null when it never reported or its URL is unusable.</summary>
    public Uri? ApiUrlOf(string bridgeId)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(bridgeId, out var entry) && Uri.TryCreate(entry.Report.ApiUrl, UriKind.Absolute, out var url) ? url : null;
        }
    }

    /// <summary>The last report of <paramref name="bridgeId"/> (its media host and port, for relay links), or null when it never reported.</summary>
    public BridgeReport? ReportOf(string bridgeId)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(bridgeId, out var entry) ? entry.Report : null;
        }
    }

    /// <summary>Takes silent bridges out of selection (<see cref="BridgeSelector.Sweep"/>) and returns them with the conferences whose core each was.</summary>
    public IReadOnlyList<BridgeLoss> Sweep()
    {
        lock (_lock)
        {
            var losses = Selector.Sweep();
            foreach (var loss in losses)
            {
                if (_entries.TryGetValue(loss.BridgeId, out var entry))
                {
                    _entries[loss.BridgeId] = entry with { Out = true };
                }
            }

            return losses;
        }
    }

    /// <summary>Every bridge ever registered, in id order, with its state now.</summary>
    public IReadOnlyList<RegisteredBridge> List()
    {
        lock (_lock)
        {
            var loads = Selector.Snapshot().ToDictionary(l => l.BridgeId, StringComparer.Ordinal);
            var now = _time.GetTimestamp();
            return _entries.Values.Select(e =>
            {
                var load = e.Out ? null : loads.GetValueOrDefault(e.Report.BridgeId);
                var state = load is null || !load.Alive ? BridgeState.Out : load.Failed ? BridgeState.Failed : BridgeState.Alive;
                return new RegisteredBridge(
                    e.Report,
                    StateName(state),
                    CapacityEndpoints(e.Report),
                    load?.CorrectedStress ?? e.Report.Stress,
                    _time.GetElapsedTime(e.LastReport, now).TotalSeconds);
            }).ToList();
        }
    }

    /// <summary>The lower-case spelling of a state, as in GET /bridges and metric labels.</summary>
    public static string StateName(BridgeState state) => state.ToString().ToLowerInvariant();

    private int CapacityEndpoints(BridgeReport report) =>
        (int)Math.Clamp(report.CapacityPps / _endpointPacketsPerSecond, 1, int.MaxValue);

    private sealed record Entry(BridgeReport Report, long LastReport, bool Out);
}
