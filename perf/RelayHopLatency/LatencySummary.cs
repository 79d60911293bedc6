namespace RelayHopLatency;

/// <summary>Nearest-rank percentiles of one-way latency, in microseconds, over the probes that arrived.</summary>
public sealed record LatencySummary(string Configuration, int Hops, int Sent, int Received, double P50, double P90, double P99, double Max)
{
    /// <summary>Fraction of probes that never arrived.</summary>
    public double Loss => Sent == 0 ? 0 : 1 - (double)Received / Sent;

    /// <summary>Summarises pooled latencies.</summary>
    public static LatencySummary From(string configuration, int hops, int sent, IEnumerable<double> latenciesMicroseconds)
    {
        var sorted = latenciesMicroseconds.Order().ToArray();
        return new LatencySummary(configuration, hops, sent, sorted.Length,
            Percentile(sorted, 0.50), Percentile(sorted, 0.90), Percentile(sorted, 0.99), sorted.Length == 0 ? double.NaN : sorted[^1]);
    }

    // Nearest rank: the smallest value with at least p of the samples at or below it.
    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
