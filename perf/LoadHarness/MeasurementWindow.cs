namespace LoadHarness;

/// <summary>The steady-state window, by send time: packets sent inside it are measured, by publishers and viewers alike.</summary>
public sealed class MeasurementWindow
{
    private long _start = long.MaxValue;
    private long _end = long.MaxValue;

    /// <summary>Start, Unix ns (long.MaxValue until opened).</summary>
    public long Start => Volatile.Read(ref _start);

    /// <summary>End, Unix ns (long.MaxValue until closed).</summary>
    public long End => Volatile.Read(ref _end);

    /// <summary>Seconds between opening and closing.</summary>
    public double Seconds => (End - Start) / 1e9;

    /// <summary>Packets sent from now on are measured.</summary>
    public void Open() => Volatile.Write(ref _start, Clock.UnixNanoseconds());

    /// <summary>Packets sent from now on are not.</summary>
    public void Close() => Volatile.Write(ref _end, Clock.UnixNanoseconds());

    /// <summary>Whether a packet sent at <paramref name="sendUnixNanoseconds"/> is measured.</summary>
    public bool Contains(long sendUnixNanoseconds) => sendUnixNanoseconds >= Start && sendUnixNanoseconds < End;
}
