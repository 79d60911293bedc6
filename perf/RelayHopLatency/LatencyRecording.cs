using System.Diagnostics;

namespace RelayHopLatency;

/// <summary>
/// One-way latencies of one run of probes (one tag, indices 0..count-1), written by the receiving
/// peer's thread; read after the run has drained.
/// </summary>
public sealed class LatencyRecording
{
    private readonly long[] _latency;
    private int _received;

    /// <summary>Prepares a recording for <paramref name="count"/> probes tagged <paramref name="tag"/>.</summary>
    public LatencyRecording(int tag, int count)
    {
        Tag = tag;
        _latency = new long[count];
        Array.Fill(_latency, -1);
    }

    /// <summary>The run's tag.</summary>
    public int Tag { get; }

    /// <summary>Probes expected.</summary>
    public int Count => _latency.Length;

    /// <summary>Distinct probes of this run that arrived.</summary>
    public int Received => Volatile.Read(ref _received);

    /// <summary>Records an arrival (receive thread); other tags, out-of-range indices and duplicates are ignored.</summary>
    public void Arrived(int tag, int index, long latencyTicks)
    {
        if (tag == Tag && (uint)index < (uint)_latency.Length && _latency[index] < 0)
        {
            _latency[index] = Math.Max(0, latencyTicks);
            Volatile.Write(ref _received, _received + 1);
        }
    }

    /// <summary>The latencies of the probes that arrived, in microseconds.</summary>
    public IEnumerable<double> LatenciesMicroseconds() =>
        _latency.Where(l => l >= 0).Select(l => l * 1e6 / Stopwatch.Frequency);
}
