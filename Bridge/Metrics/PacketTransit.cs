using System.Diagnostics;
using System.Runtime.CompilerServices;
using Prometheus;

namespace Bridge.Metrics;

/// <summary>
/// One media loop's share of <c>jitsi_jvb_rtp_transit_time</c>: the time an RTP packet spends inside the bridge, from
/// the receipt of its datagram to the send of each copy. Marked and observed on its loop only, into plain bucket
/// fields (no shared counter on the packet path); <see cref="TransitHistogram"/> moves them into the exported
/// histogram when it is scraped. Nothing allocates.
/// </summary>
public sealed class PacketTransit
{
    private static readonly double MillisecondsPerTick = 1000.0 / Stopwatch.Frequency;
    private static readonly double[] Bounds = TransitHistogram.BucketsMilliseconds;
    // One slot per bucket plus +Inf: how many copies, and their summed milliseconds (for the histogram's _sum).
    private readonly long[] _counts = new long[Bounds.Length + 1];
    private readonly double[] _sums = new double[Bounds.Length + 1];
    private long _receivedAt;

    /// <summary>A loop's share of <paramref name="histogram"/>.</summary>
    public PacketTransit(TransitHistogram histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        histogram.Add(this);
    }

    /// <summary>A single-loop transit with its own histogram in <paramref name="registry"/>.</summary>
    public PacketTransit(CollectorRegistry registry)
        : this(new TransitHistogram(registry))
    {
    }

    /// <summary>Copies observed so far.</summary>
    public long Count
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < _counts.Length; i++)
            {
                sum += Volatile.Read(ref _counts[i]);
            }
            return sum;
        }
    }

    /// <summary>Stopwatch timestamp of the datagram now being handled.</summary>
    public long ReceivedAt => _receivedAt;

    /// <summary>Notes that the datagram now being handled arrived now.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void MarkReceived() => _receivedAt = Stopwatch.GetTimestamp();

    /// <summary>Notes that the packet now being handled arrived at <paramref name="timestamp"/> (handed over from another loop).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void MarkReceived(long timestamp) => _receivedAt = timestamp;

    /// <summary>Records one copy of the current datagram leaving the bridge now.</summary>
    public void ObserveSent()
    {
        var milliseconds = (Stopwatch.GetTimestamp() - _receivedAt) * MillisecondsPerTick;
        var bucket = 0;
        while (bucket < Bounds.Length && milliseconds > Bounds[bucket])
        {
            bucket++;
        }
        _sums[bucket] += milliseconds;
        Volatile.Write(ref _counts[bucket], _counts[bucket] + 1);
    }

    /// <summary>Copies and summed milliseconds of one bucket so far (scrape thread).</summary>
    internal (long Count, double Sum) Read(int bucket) => (Volatile.Read(ref _counts[bucket]), Volatile.Read(ref _sums[bucket]));
}
