namespace Bridge.Registration;

/// <summary>How one report to the signaling node ended; the <c>result</c> label of <c>bridge_signaling_reports_total</c>.</summary>
public enum ReportOutcome
{
    /// <summary>Signaling answered 2xx.</summary>
    Ok,
    /// <summary>Signaling answered 401: the bridge's ApiSecret is not the signaling node's BridgeSecret.</summary>
    Unauthorized,
    /// <summary>Signaling answered with another non-2xx status (a body it refused, a server error).</summary>
    Rejected,
    /// <summary>No answer: connection refused, DNS failure, timeout.</summary>
    Unreachable,
}

/// <summary>Reports sent to the signaling node so far, by outcome; exported as <c>bridge_signaling_reports_total{result}</c>.</summary>
public sealed class ReportCounters
{
    private readonly long[] _counts = new long[Enum.GetValues<ReportOutcome>().Length];

    /// <summary>Counts one report.</summary>
    public void Count(ReportOutcome outcome) => Interlocked.Increment(ref _counts[(int)outcome]);

    /// <summary>Reports so far with this outcome.</summary>
    public long Of(ReportOutcome outcome) => Volatile.Read(ref _counts[(int)outcome]);

    /// <summary>The metric label of an outcome.</summary>
    public static string Label(ReportOutcome outcome) => outcome.ToString().ToLowerInvariant();
}
