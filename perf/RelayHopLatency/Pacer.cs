using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RelayHopLatency;

/// <summary>
/// Sends at a steady packet rate without spinning a core (the bridges need both): each packet waits
/// with clock_nanosleep until its slot (a spinning sender made every latency worse). A sender more than <see cref="MaxLag"/> behind (descheduled)
/// drops the backlog instead of bursting it, so the offered load stays smooth; the achieved rate says
/// what was really sent.
/// </summary>
public static partial class Pacer
{
    private const int ClockMonotonic = 1;
    private const int PrSetTimerSlack = 29;

    /// <summary>How far behind its schedule the sender may fall before skipping slots.</summary>
    public static readonly TimeSpan MaxLag = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Sends <paramref name="count"/> packets at <paramref name="packetsPerSecond"/> with
    /// <paramref name="send"/>(index) on the calling thread; returns the achieved rate.
    /// </summary>
    public static double Run(int count, double packetsPerSecond, Action<int> send)
    {
        ArgumentNullException.ThrowIfNull(send);
        if (OperatingSystem.IsLinux())
        {
            // The default 50 us timer slack would stretch every sleep; 1 us keeps the slots.
            _ = Prctl(PrSetTimerSlack, 1000, 0, 0, 0);
        }
        var period = Stopwatch.Frequency / packetsPerSecond;
        var maxLag = (long)(MaxLag.TotalSeconds * Stopwatch.Frequency);
        var start = Stopwatch.GetTimestamp();
        var origin = start;
        var slot = 0;
        for (var i = 0; i < count; i++)
        {
            var due = origin + (long)(slot * period);
            var now = Stopwatch.GetTimestamp();
            if (now - due > maxLag)
            {
                origin = now;
                slot = 0;
                due = now;
            }
            SleepUntil(due, now);
            send(i);
            slot++;
        }
        var elapsed = Stopwatch.GetElapsedTime(start);
        // The last packet's slot ends one period after it is sent.
        return count / (elapsed.TotalSeconds + period / Stopwatch.Frequency);
    }

    private static void SleepUntil(long due, long now)
    {
        var remaining = due - now;
        if (remaining <= 0)
        {
            return;
        }
        var nanoseconds = remaining * 1_000_000_000 / Stopwatch.Frequency;
        if (OperatingSystem.IsLinux())
        {
            var request = new Timespec(nanoseconds / 1_000_000_000, nanoseconds % 1_000_000_000);
            _ = ClockNanosleep(ClockMonotonic, 0, in request, 0);
        }
        else
        {
            Thread.Sleep(TimeSpan.FromTicks(Math.Max(1, nanoseconds / 100)));
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Timespec(long Seconds, long Nanoseconds);

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clock, int flags, in Timespec request, nint remaining);

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
}
