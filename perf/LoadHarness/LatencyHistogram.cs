namespace LoadHarness;

/// <summary>
/// A log-linear histogram of latencies in microseconds (64 linear sub-buckets per power of two: ≤ 1.6% error),
/// from 1 µs to about 70 minutes. Recording allocates nothing; one writer thread, merged after the run.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBuckets = 64;
    private const int Octaves = 32;
    private readonly long[] _counts = new long[SubBuckets * (Octaves + 1)];

    /// <summary>Samples recorded.</summary>
    public long Count { get; private set; }

    /// <summary>Largest sample in µs.</summary>
    public long Max { get; private set; }

    /// <summary>Records one sample (negative clamps to 0).</summary>
    public void Record(long microseconds)
    {
        var value = Math.Max(0, microseconds);
        _counts[IndexOf(value)]++;
        Count++;
        if (value > Max)
        {
            Max = value;
        }
    }

    /// <summary>Adds another histogram's samples.</summary>
    public void Add(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }
        Count += other.Count;
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>The nearest-rank percentile (0 &lt; q ≤ 1) in µs, as the upper edge of its bucket (capped at the maximum); 0 when empty.</summary>
    public double Percentile(double q)
    {
        if (Count == 0)
        {
            return 0;
        }
        var rank = (long)Math.Ceiling(q * Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= Math.Max(1, rank))
            {
                return Math.Min(UpperEdge(i), Max);
            }
        }
        return Max;
    }

    /// <summary>(µs, cumulative fraction) at every non-empty bucket: the CDF.</summary>
    public IEnumerable<(double Microseconds, double Fraction)> Cdf()
    {
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            if (_counts[i] > 0)
            {
                seen += _counts[i];
                yield return (Math.Min(UpperEdge(i), Max), (double)seen / Count);
            }
        }
    }

    private static int IndexOf(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }
        // value in [2^n, 2^(n+1)), n >= 6: 64 buckets of width 2^(n-6); octave n-5 follows the 64 unit buckets.
        var n = 63 - (int)long.LeadingZeroCount(value);
        var sub = (int)(value >> (n - 6)) - SubBuckets;
        return Math.Min((SubBuckets * (n - 5)) + sub, (SubBuckets * (Octaves + 1)) - 1);
    }

    private static double UpperEdge(int index)
    {
        if (index < SubBuckets)
        {
            return index;
        }
        var octave = index / SubBuckets;
        var sub = index % SubBuckets;
        return ((long)(SubBuckets + sub + 1) << (octave - 1)) - 1;
    }
}
