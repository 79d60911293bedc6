using Prometheus;

namespace Bridge.Metrics;

/// <summary>
/// <c>jitsi_jvb_rtp_transit_time</c>, in milliseconds as Jitsi Videobridge exports it, fed from every loop's
/// <see cref="PacketTransit"/> before each scrape: the copies each bucket gained since the last scrape are observed
/// at their mean, kept inside the bucket, so counts are exact and the sum is the loops' sum.
/// </summary>
public sealed class TransitHistogram
{
    /// <summary>Bucket upper bounds in milliseconds: fine below one millisecond, where a healthy bridge is, and Jitsi's 5, 50, 500.</summary>
    public static readonly double[] BucketsMilliseconds = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 50, 500];

    private readonly Histogram _histogram;
    private readonly Lock _gate = new();
    private readonly List<(PacketTransit Part, long[] Counts, double[] Sums)> _parts = [];

    /// <summary>Registers the histogram in <paramref name="registry"/> (the bridge's, served on /metrics).</summary>
    public TransitHistogram(CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _histogram = Prometheus.Metrics.WithCustomRegistry(registry).CreateHistogram(
            "jitsi_jvb_rtp_transit_time",
            "Milliseconds an RTP packet spends inside the bridge, from receipt to the send of each copy to an endpoint or relay link.",
            new HistogramConfiguration { Buckets = BucketsMilliseconds });
        registry.AddBeforeCollectCallback(Collect);
    }

    /// <summary>Copies in the exported histogram after moving in what the loops observed.</summary>
    public long Count
    {
        get
        {
            Collect();
            return _histogram.Count;
        }
    }

    /// <summary>Adds a loop's share.</summary>
    internal void Add(PacketTransit part)
    {
        lock (_gate)
        {
            _parts.Add((part, new long[BucketsMilliseconds.Length + 1], new double[BucketsMilliseconds.Length + 1]));
        }
    }

    /// <summary>Moves what every loop observed since the last call into the histogram.</summary>
    public void Collect()
    {
        lock (_gate)
        {
            foreach (var (part, counts, sums) in _parts)
            {
                for (var bucket = 0; bucket < counts.Length; bucket++)
                {
                    var (count, sum) = part.Read(bucket);
                    var added = count - counts[bucket];
                    if (added <= 0)
                    {
                        continue;
                    }
                    // The loop may have counted a copy whose milliseconds are not summed yet: clamp the mean into the bucket.
                    var lower = bucket == 0 ? 0 : Math.BitIncrement(BucketsMilliseconds[bucket - 1]);
                    var upper = bucket < BucketsMilliseconds.Length ? BucketsMilliseconds[bucket] : double.MaxValue;
                    _histogram.Observe(Math.Clamp((sum - sums[bucket]) / added, lower, upper), added);
                    counts[bucket] = count;
                    sums[bucket] = sum;
                }
            }
        }
    }
}
