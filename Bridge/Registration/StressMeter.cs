namespace Bridge.Registration;

/// <summary>One stress measurement over the interval since the previous one.</summary>
/// <param name="PacketRatePps">Media-socket datagrams in plus out per second.</param>
/// <param name="CpuShare">Process CPU time over wall time times processor count (0 idle, 1 every core busy); 0 when CPU is left out.</param>
/// <param name="Stress">max(packet rate / capacity, CPU share), clamped to [0, <see cref="StressMeter.MaxStress"/>].</param>
public sealed record StressSample(double PacketRatePps, double CpuShare, double Stress);

/// <summary>
/// The bridge's stress: its packet rate against <c>Bridge:CapacityPacketsPerSecond</c>, or its CPU share when that is
/// higher. The signaling node ranks bridges by this figure. Thread-safe; <see cref="Sample"/> is called once per report interval.
/// </summary>
/// <remarks>
/// Packets, not bytes or endpoints: the bridge's per-packet work (SRTP, header rewrite, one send syscall per copy) dominates its
/// cost, whatever the payload size. CPU is the backstop for work the packet count misses (DTLS handshakes, a slow machine).
/// </remarks>
public sealed class StressMeter
{
    /// <summary>Upper clamp: an overloaded bridge reports at most 1.5, so one wild sample cannot dominate a fleet average.</summary>
    public const double MaxStress = 1.5;

    private readonly Func<long> _packets;
    private readonly Func<TimeSpan>? _cpu;
    private readonly TimeProvider _time;
    private readonly double _capacity;
    private readonly int _processors;
    private readonly Lock _lock = new();
    private long _lastPackets;
    private TimeSpan _lastCpu;
    private long _lastTimestamp;
    private StressSample _current = new(0, 0, 0);

    /// <summary>
    /// Creates a meter reading the packet total from <paramref name="packets"/> and, unless null, process CPU time from
    /// <paramref name="cpu"/> spread over <paramref name="processors"/> cores; the first interval starts now.
    /// </summary>
    public StressMeter(Func<long> packets, Func<TimeSpan>? cpu, int processors, double capacityPacketsPerSecond, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(packets);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(processors, 1);
        if (!double.IsFinite(capacityPacketsPerSecond) || capacityPacketsPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacityPacketsPerSecond), "capacity must be a positive number");
        }

        _packets = packets;
        _cpu = cpu;
        _processors = processors;
        _capacity = capacityPacketsPerSecond;
        _time = time;
        _lastPackets = packets();
        _lastCpu = cpu?.Invoke() ?? TimeSpan.Zero;
        _lastTimestamp = time.GetTimestamp();
    }

    /// <summary>The most recent sample (all zero before the first).</summary>
    public StressSample Current
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
    public StressSample Sample()
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            var seconds = _time.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
            if (seconds <= 0)
            {
                return _current;
            }

            var packets = _packets();
            var cpu = _cpu?.Invoke() ?? TimeSpan.Zero;
            // Counters only grow; a negative delta would mean a reset, which counts as an idle interval.
            var rate = Math.Max(0, packets - _lastPackets) / seconds;
            var cpuShare = _cpu is null ? 0 : Math.Max(0, (cpu - _lastCpu).TotalSeconds) / (seconds * _processors);
            var stress = Math.Clamp(Math.Max(rate / _capacity, cpuShare), 0, MaxStress);
            _lastPackets = packets;
            _lastCpu = cpu;
            _lastTimestamp = now;
            _current = new StressSample(rate, cpuShare, stress);
            return _current;
        }
    }
}
