namespace LoadHarness;

/// <summary>CLOCK_REALTIME in Unix nanoseconds: the clock of the kernel's SO_TIMESTAMPNS receive stamps.</summary>
public static class Clock
{
    /// <summary>Now, in nanoseconds since 1970 (100 ns resolution).</summary>
    public static long UnixNanoseconds() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
}
