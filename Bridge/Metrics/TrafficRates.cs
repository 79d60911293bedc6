using Microsoft.Extensions.Hosting;

namespace Bridge.Metrics;

/// <summary>Media-socket traffic over the last sampling interval.</summary>
/// <param name="PacketsInPerSecond">Datagrams received per second.</param>
/// <param name="PacketsOutPerSecond">Datagrams sent per second.</param>
/// <param name="BitsInPerSecond">Bits received per second (UDP payload).</param>
/// <param name="BitsOutPerSecond">Bits sent per second (UDP payload).</param>
public sealed record TrafficSample(double PacketsInPerSecond, double PacketsOutPerSecond, double BitsInPerSecond, double BitsOutPerSecond);

/// <summary>
/// Packet and bit rates of the media socket (endpoints and relay links), from <see cref="BridgeCounters"/> sampled once a second
/// on a background timer: the packet path only bumps its counters, and a scrape reads the last sample.
/// </summary>
public sealed class TrafficRates : BackgroundService
{
    /// <summary>Time between samples.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly BridgeCounters _counters;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private long _lastPacketsIn;
    private long _lastPacketsOut;
    private long _lastBytesIn;
    private long _lastBytesOut;
    private long _lastTimestamp;
    private TrafficSample _current = new(0, 0, 0, 0);

    /// <summary>Creates the sampler; the first interval starts now.</summary>
    public TrafficRates(BridgeCounters counters, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(time);
        _counters = counters;
        _time = time;
        (_lastPacketsIn, _lastPacketsOut, _lastBytesIn, _lastBytesOut) = Read();
        _lastTimestamp = time.GetTimestamp();
    }

    /// <summary>The most recent sample (all zero before the first).</summary>
    public TrafficSample Current
    {
        get
        {
            lock (_lock)
            {
                return _current;
            }
        }
    }

    /// <summary>Measures the interval since the previous call and makes it <see cref="Current"/>; an empty interval keeps the previous sample.</summary>
    public TrafficSample Sample()
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            var seconds = _time.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
            if (seconds <= 0)
            {
                return _current;
            }

            var (packetsIn, packetsOut, bytesIn, bytesOut) = Read();
            // Counters only grow; a negative delta would be a reset and counts as an idle interval.
            _current = new TrafficSample(
                Math.Max(0, packetsIn - _lastPacketsIn) / seconds,
                Math.Max(0, packetsOut - _lastPacketsOut) / seconds,
                Math.Max(0, bytesIn - _lastBytesIn) * 8 / seconds,
                Math.Max(0, bytesOut - _lastBytesOut) * 8 / seconds);
            (_lastPacketsIn, _lastPacketsOut, _lastBytesIn, _lastBytesOut) = (packetsIn, packetsOut, bytesIn, bytesOut);
            _lastTimestamp = now;
            return _current;
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                Sample();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private (long PacketsIn, long PacketsOut, long BytesIn, long BytesOut) Read()
    {
        var total = _counters.Total();
        return (total.PacketsIn, total.PacketsOut, total.BytesIn, total.BytesOut);
    }
}
