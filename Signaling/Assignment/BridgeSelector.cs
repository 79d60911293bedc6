namespace Signaling.Assignment;

/// <summary>
/// Chooses bridges from the registered, reporting fleet: a stable core bridge per conference and a spread of visitor bridges. Thread-safe.
/// </summary>
/// <remarks>
/// Stats arrive every few seconds and a new endpoint shows in them only after ICE, DTLS and bandwidth ramp-up, so a burst of
/// joins between two reports would all see the same least-stressed bridge. Selection therefore ranks bridges by
/// <em>corrected stress</em>: reported stress plus, for each endpoint this selector put on the bridge within
/// <see cref="BridgeSelectorOptions.RecentAddWindow"/>, <see cref="BridgeSelectorOptions.StressPerRecentAdd"/> (default 1/capacity,
/// i.e. capacity counts endpoints at full stress). Recent adds keep counting after a report, because a report inside the
/// ramp-up window does not yet carry the endpoint's full weight; the error is an over-estimate, which spreads rather than piles.
/// Ranking, best first: preferred region and under the threshold; any region under the threshold; anything (overload);
/// within a rank lower corrected stress, then ordinal bridge id.
/// </remarks>
public sealed class BridgeSelector
{
    private readonly TimeProvider _time;
    private readonly SortedDictionary<string, Bridge> _bridges = new(StringComparer.Ordinal);
    private readonly Dictionary<RoomName, string> _cores = [];
    private readonly TimeSpan _silenceLimit;
    private readonly Lock _lock = new();
    private long _coreChoices;
    private long _visitorChoices;
    private long _overloads;

    /// <summary>Creates an empty selector on <paramref name="time"/>.</summary>
    public BridgeSelector(TimeProvider time, BridgeSelectorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        Options = options ?? new BridgeSelectorOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Options.ReportInterval, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MissedReportsBeforeOut, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Options.RecentAddWindow, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.FailureHold, TimeSpan.Zero, nameof(options));
        if (!double.IsFinite(Options.StressThreshold) || Options.StressThreshold <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "StressThreshold must be a positive number");
        }

        if (Options.StressPerRecentAdd is { } add && (!double.IsFinite(add) || add < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "StressPerRecentAdd must be a non-negative number");
        }

        _silenceLimit = Options.ReportInterval * Options.MissedReportsBeforeOut;
    }

    /// <summary>The limits in use.</summary>
    public BridgeSelectorOptions Options { get; }

    /// <summary>Core bridges picked so far (first choices and replacements).</summary>
    public long CoreChoices => Interlocked.Read(ref _coreChoices);

    /// <summary>Visitor bridges handed out so far.</summary>
    public long VisitorChoices => Interlocked.Read(ref _visitorChoices);

    /// <summary>Choices that went to a bridge at or above the threshold because none was under it.</summary>
    public long Overloads => Interlocked.Read(ref _overloads);

    /// <summary>
    /// Registers a bridge (or updates region and capacity of a known one); counts as a sign of life. A new bridge starts at stress 0.
    /// <paramref name="capacity"/> is the endpoints the bridge is sized for. <paramref name="reportInterval"/> is how often the bridge
    /// says it reports: when that is longer than <see cref="BridgeSelectorOptions.ReportInterval"/> the bridge is out only after
    /// <see cref="BridgeSelectorOptions.MissedReportsBeforeOut"/> of its own intervals, so a slower bridge does not flap; a shorter one
    /// changes nothing (a busy bridge's late reports must not take it out sooner than configured).
    /// </summary>
    public void Register(string bridgeId, string region, int capacity, TimeSpan reportInterval = default)
    {
        AssignmentIds.RequireNodeId(bridgeId, nameof(bridgeId));
        AssignmentIds.RequireNodeId(region, nameof(region));
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        lock (_lock)
        {
            if (!_bridges.TryGetValue(bridgeId, out var bridge))
            {
                bridge = new Bridge(bridgeId);
                _bridges.Add(bridgeId, bridge);
            }

            bridge.Region = region;
            bridge.Capacity = capacity;
            bridge.SilenceLimit = reportInterval > Options.ReportInterval ? reportInterval * Options.MissedReportsBeforeOut : _silenceLimit;
            bridge.LastSeen = _time.GetTimestamp();
        }
    }

    /// <summary>Records a bridge's stats; throws <see cref="AssignmentException"/> (<see cref="AssignmentError.UnknownBridge"/>) for an unregistered id.</summary>
    public void Report(string bridgeId, BridgeStats stats)
    {
        AssignmentIds.RequireNodeId(bridgeId, nameof(bridgeId));
        ArgumentNullException.ThrowIfNull(stats);
        if (!double.IsFinite(stats.Stress) || stats.Stress < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(stats), "stress must be a non-negative number");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(stats.Endpoints, nameof(stats));
        lock (_lock)
        {
            var bridge = Find(bridgeId);
            bridge.Stress = stats.Stress;
            bridge.Endpoints = stats.Endpoints;
            bridge.LastSeen = _time.GetTimestamp();
        }
    }

    /// <summary>Marks a bridge failed (e.g. an allocation on it failed): it is not chosen for <see cref="BridgeSelectorOptions.FailureHold"/>.</summary>
    public void MarkFailed(string bridgeId)
    {
        AssignmentIds.RequireNodeId(bridgeId, nameof(bridgeId));
        lock (_lock)
        {
            Find(bridgeId).FailedAt = _time.GetTimestamp();
        }
    }

    /// <summary>Forgets a bridge; returns the conferences whose core it was (they get a new core on their next <see cref="ChooseCore"/>), empty when unknown.</summary>
    public IReadOnlyList<RoomName> Remove(string bridgeId)
    {
        AssignmentIds.RequireNodeId(bridgeId, nameof(bridgeId));
        lock (_lock)
        {
            return _bridges.Remove(bridgeId) ? DropCoresOn(bridgeId) : [];
        }
    }

    /// <summary>Removes every bridge silent for <see cref="BridgeSelectorOptions.MissedReportsBeforeOut"/> intervals, with the conferences whose core each was.</summary>
    public IReadOnlyList<BridgeLoss> Sweep()
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            var silent = _bridges.Values.Where(b => !IsAlive(b, now)).Select(b => b.Id).ToList();
            var losses = new List<BridgeLoss>(silent.Count);
            foreach (var id in silent)
            {
                _bridges.Remove(id);
                losses.Add(new BridgeLoss(id, DropCoresOn(id)));
            }

            return losses;
        }
    }

    /// <summary>
    /// The conference's core bridge: the one chosen before while it is alive and not failed, otherwise the best bridge now (the
    /// first choice counts as one recent add). <paramref name="region"/> is only a preference. Throws <see cref="AssignmentException"/>
    /// (<see cref="AssignmentError.NoBridge"/>) when no bridge is usable.
    /// </summary>
    public BridgeChoice ChooseCore(RoomName conference, string? region = null)
    {
        ArgumentNullException.ThrowIfNull(conference);
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            if (_cores.TryGetValue(conference, out var coreId) && _bridges.TryGetValue(coreId, out var core) && IsUsable(core, now))
            {
                var stress = CorrectedStress(core, now);
                return new BridgeChoice(core.Id, core.Region, stress, stress >= Options.StressThreshold, NewlyChosen: false);
            }

            var choice = ChooseAndAdd(region, now);
            _cores[conference] = choice.BridgeId;
            _coreChoices++;
            return choice;
        }
    }

    /// <summary>
    /// A bridge for one more visitor endpoint of <paramref name="conference"/>, recorded as a recent add. The preferred region is
    /// <paramref name="region"/>, or else the region of the conference's core, so visitors stay near the media source when they can.
    /// The core itself is the last choice under the stress threshold: it carries the participants and feeds the relay tree, so
    /// visitors go to visitor bridges while one of them has room (with one bridge, or all others loaded, the core takes them).
    /// Throws <see cref="AssignmentException"/> (<see cref="AssignmentError.NoBridge"/>) when no bridge is usable.
    /// </summary>
    public BridgeChoice ChooseVisitorBridge(RoomName conference, string? region = null)
    {
        ArgumentNullException.ThrowIfNull(conference);
        lock (_lock)
        {
            var coreId = _cores.GetValueOrDefault(conference);
            if (region is null && coreId is not null && _bridges.TryGetValue(coreId, out var core))
            {
                region = core.Region;
            }

            var choice = ChooseAndAdd(region, _time.GetTimestamp(), avoid: coreId);
            _visitorChoices++;
            return choice;
        }
    }

    /// <summary>The conference's current core bridge id, or null when none was chosen (or it was removed).</summary>
    public string? CoreOf(RoomName conference)
    {
        lock (_lock)
        {
            return _cores.GetValueOrDefault(conference);
        }
    }

    /// <summary>Forgets the conference's core (the conference ended); false when it had none.</summary>
    public bool ReleaseConference(RoomName conference)
    {
        lock (_lock)
        {
            return _cores.Remove(conference);
        }
    }

    /// <summary>Every registered bridge's figures, in id order.</summary>
    public IReadOnlyList<BridgeLoad> Snapshot()
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            return _bridges.Values
                .Select(b => new BridgeLoad(b.Id, b.Region, b.Capacity, b.Stress, b.Endpoints, RecentAdds(b, now), CorrectedStress(b, now), IsAlive(b, now), IsFailed(b, now)))
                .ToList();
        }
    }

    private BridgeChoice ChooseAndAdd(string? region, long now, string? avoid = null)
    {
        Bridge? best = null;
        var bestRank = int.MaxValue;
        var bestStress = 0.0;

        // _bridges iterates in ordinal id order, so keeping only strictly better candidates breaks ties by id.
        foreach (var bridge in _bridges.Values)
        {
            if (!IsUsable(bridge, now))
            {
                continue;
            }

            var stress = CorrectedStress(bridge, now);
            var under = stress < Options.StressThreshold;
            var rank = !under ? Overloaded : bridge.Id == avoid ? 2 : region is not null && string.Equals(bridge.Region, region, StringComparison.Ordinal) ? 0 : 1;
            if (rank < bestRank || (rank == bestRank && stress < bestStress))
            {
                best = bridge;
                bestRank = rank;
                bestStress = stress;
            }
        }

        if (best is null)
        {
            throw new AssignmentException(AssignmentError.NoBridge, "no bridge is registered, reporting and not failed");
        }

        best.RecentAdds.Enqueue(now);
        var overloaded = bestRank == Overloaded;
        if (overloaded)
        {
            _overloads++;
        }

        return new BridgeChoice(best.Id, best.Region, bestStress, overloaded, NewlyChosen: true);
    }

    /// <summary>The rank of a bridge at or over the stress threshold: chosen only when every bridge is.</summary>
    private const int Overloaded = 3;

    private List<RoomName> DropCoresOn(string bridgeId)
    {
        var lost = _cores.Where(kv => kv.Value == bridgeId).Select(kv => kv.Key).OrderBy(r => r.ToString(), StringComparer.Ordinal).ToList();
        foreach (var conference in lost)
        {
            _cores.Remove(conference);
        }

        return lost;
    }

    private Bridge Find(string bridgeId) =>
        _bridges.TryGetValue(bridgeId, out var bridge)
            ? bridge
            : throw new AssignmentException(AssignmentError.UnknownBridge, $"bridge \"{bridgeId}\" is not registered");

    private bool IsAlive(Bridge bridge, long now) => _time.GetElapsedTime(bridge.LastSeen, now) < bridge.SilenceLimit;

    private bool IsFailed(Bridge bridge, long now) => bridge.FailedAt is { } failedAt && _time.GetElapsedTime(failedAt, now) < Options.FailureHold;

    private bool IsUsable(Bridge bridge, long now) => IsAlive(bridge, now) && !IsFailed(bridge, now);

    private int RecentAdds(Bridge bridge, long now)
    {
        while (bridge.RecentAdds.TryPeek(out var added) && _time.GetElapsedTime(added, now) >= Options.RecentAddWindow)
        {
            bridge.RecentAdds.Dequeue();
        }

        return bridge.RecentAdds.Count;
    }

    // Multiplied, not summed add by add, so equal inputs give bit-equal stresses and ties fall to the id order.
    private double CorrectedStress(Bridge bridge, long now) =>
        bridge.Stress + (RecentAdds(bridge, now) * (Options.StressPerRecentAdd ?? 1.0 / bridge.Capacity));

    private sealed class Bridge(string id)
    {
        public string Id { get; } = id;

        public string Region { get; set; } = "";

        public int Capacity { get; set; } = 1;

        public double Stress { get; set; }

        public int Endpoints { get; set; }

        public long LastSeen { get; set; }

        /// <summary>Silence after which the bridge is out: the configured limit, or more for a bridge that reports less often.</summary>
        public TimeSpan SilenceLimit { get; set; }

        public long? FailedAt { get; set; }

        /// <summary>Timestamps of endpoints this selector put on the bridge, oldest first.</summary>
        public Queue<long> RecentAdds { get; } = new();
    }
}
