namespace Signaling.Assignment;

/// <summary>Limits of <see cref="BridgeSelector"/>.</summary>
public sealed record BridgeSelectorOptions
{
    /// <summary>How often bridges send stats. Default 5 s.</summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A bridge silent for this many report intervals is out. Default 3.</summary>
    public int MissedReportsBeforeOut { get; init; } = 3;

    /// <summary>A bridge whose corrected stress is at or above this is chosen only when no bridge is under it. Default 0.8.</summary>
    public double StressThreshold { get; init; } = 0.8;

    /// <summary>How long an endpoint added to a bridge counts in its corrected stress. Default 20 s.</summary>
    public TimeSpan RecentAddWindow { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Stress one recent add counts for; null (default) means 1 / the bridge's capacity.</summary>
    public double? StressPerRecentAdd { get; init; }

    /// <summary>A bridge marked failed is not chosen for this long, whatever it reports. Default 60 s.</summary>
    public TimeSpan FailureHold { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>Stats a bridge reports periodically.</summary>
/// <param name="Stress">Packet rate against the bridge's capacity: 0 idle, 1 at capacity (may exceed 1 when overloaded).</param>
/// <param name="Endpoints">Endpoints the bridge holds now.</param>
public sealed record BridgeStats(double Stress, int Endpoints);

/// <summary>Result of <see cref="BridgeSelector.ChooseCore"/> and <see cref="BridgeSelector.ChooseVisitorBridge"/>.</summary>
/// <param name="BridgeId">Chosen bridge.</param>
/// <param name="Region">The bridge's region.</param>
/// <param name="CorrectedStress">Its stress before this choice: reported stress plus recent adds.</param>
/// <param name="Overloaded">True when it was at or above the threshold because no bridge was under it.</param>
/// <param name="NewlyChosen">For a core: true when this call picked it (first time, or the old core is gone). Always true for a visitor bridge.</param>
public sealed record BridgeChoice(string BridgeId, string Region, double CorrectedStress, bool Overloaded, bool NewlyChosen);

/// <summary>A bridge dropped by <see cref="BridgeSelector.Sweep"/> and the conferences whose core it was.</summary>
public sealed record BridgeLoss(string BridgeId, IReadOnlyList<RoomName> CoreConferences);

/// <summary>One bridge's figures as <see cref="BridgeSelector.Snapshot"/> sees them.</summary>
public sealed record BridgeLoad(
    string BridgeId,
    string Region,
    int Capacity,
    double Stress,
    int Endpoints,
    int RecentAdds,
    double CorrectedStress,
    bool Alive,
    bool Failed);
