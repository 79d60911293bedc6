using System.Diagnostics;
using System.Runtime.InteropServices;

namespace LoadHarness;

/// <summary>Sleeps until a Stopwatch deadline with clock_nanosleep (TIMER_ABSTIME, 1 µs timer slack): no spinning, the bridges need the cores.</summary>
public static partial class PreciseSleep
{
    private const int ClockMonotonic = 1;
    private const int TimerAbsolute = 1;
    private const int PrSetTimerSlack = 29;

    /// <summary>Makes this thread's sleeps precise (the default 50 µs slack stretches every one).</summary>
    public static void TightenTimerSlack()
    {
        if (OperatingSystem.IsLinux())
        {
            _ = Prctl(PrSetTimerSlack, 1000, 0, 0, 0);
        }
    }

    /// <summary>Sleeps until <paramref name="deadline"/> (a <see cref="Stopwatch.GetTimestamp"/> value; Stopwatch is CLOCK_MONOTONIC on Linux).</summary>
    public static void Until(long deadline)
    {
        if (deadline <= Stopwatch.GetTimestamp())
        {
            return;
        }
        if (OperatingSystem.IsLinux() && Stopwatch.Frequency == 1_000_000_000)
        {
            var request = new Timespec(deadline / 1_000_000_000, deadline % 1_000_000_000);
            _ = ClockNanosleep(ClockMonotonic, TimerAbsolute, in request, 0);
        }
        else
        {
            Thread.Sleep(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline));
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Timespec(long Seconds, long Nanoseconds);

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clock, int flags, in Timespec request, nint remaining);

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
}
