using System.Diagnostics;
using System.Runtime.CompilerServices;
using Prometheus;

namespace Bridge.Metrics;

/// <summary>
/// Time an RTP packet spends inside the bridge, from the receipt of its datagram to the send of each copy:
/// <c>jitsi_jvb_rtp_transit_time</c>, in milliseconds as Jitsi Videobridge exports it. Marked and observed on the
/// receive loop only (one datagram at a time), so the receive timestamp is a plain field; nothing allocates.
/// </summary>
public sealed class PacketTransit
{
    /// <summary>Bucket upper bounds in milliseconds: fine below one millisecond, where a healthy bridge is, and Jitsi's 5, 50, 500.</summary>
    public static readonly double[] BucketsMilliseconds = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 50, 500];

    private static readonly double MillisecondsPerTick = 1000.0 / Stopwatch.Frequency;
    private readonly Histogram _histogram;
    private long _receivedAt;

    /// <summary>Registers the histogram in <paramref name="registry"/> (the bridge's, served on /metrics).</summary>
    public PacketTransit(CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _histogram = Prometheus.Metrics.WithCustomRegistry(registry).CreateHistogram(
            "jitsi_jvb_rtp_transit_time",
            "Milliseconds an RTP packet spends inside the bridge, from receipt to the send of each copy to an endpoint or relay link.",
            new HistogramConfiguration { Buckets = BucketsMilliseconds });
    }

    /// <summary>Copies observed so far.</summary>
    public long Count => _histogram.Count;

    /// <summary>Notes that the datagram now being handled arrived now.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void MarkReceived() => _receivedAt = Stopwatch.GetTimestamp();

    /// <summary>Records one copy of the current datagram leaving the bridge now.</summary>
    public void ObserveSent() => _histogram.Observe((Stopwatch.GetTimestamp() - _receivedAt) * MillisecondsPerTick);
}
