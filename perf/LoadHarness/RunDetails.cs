namespace LoadHarness;

/// <summary>What the table shows beyond the JSON: how the run went and what limited it.</summary>
public sealed record RunDetails(
    string Mode,
    string Shape,
    int ViewersRequested,
    int ViewersJoined,
    int JoinFailures,
    string? FirstJoinError,
    int ViewersWithMedia,
    double RampSeconds,
    double WindowSeconds,
    double? BridgeCores,
    double? ForwardCores,
    double ViewerPps,
    long Reordered,
    double JitterMeanMs,
    double JitterP99Ms,
    long ViewerSocketDrops,
    long BridgeDrops,
    string BridgeDropReasons,
    long PublisherResyncs,
    long Keyframes,
    long KeyframeRequests,
    IReadOnlyList<(string Bridge, int Viewers)> ViewersPerBridge,
    string? SrtpProfile,
    string? LimitProblem,
    IReadOnlyList<int> LimitSizes);
