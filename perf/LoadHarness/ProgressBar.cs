using System.Globalization;

namespace LoadHarness;

/// <summary>One status line on stderr, redrawn in place, so stdout keeps only the Markdown report.</summary>
public static class ProgressBar
{
    private const int Width = 30;
    private static readonly TimeSpan RedirectedEvery = TimeSpan.FromSeconds(10);
    private static string _lastPhase = "";
    private static long _lastLine;

    /// <summary>Draws "[####......] 40% phase: text" (one thread only).</summary>
    public static void Draw(double fraction, string phase, string text)
    {
        var filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * Width);
        var line = string.Create(CultureInfo.InvariantCulture, $"[{new string('#', filled)}{new string('.', Width - filled)}] {fraction * 100,3:0}% {phase}: {text}");
        if (!Console.IsErrorRedirected)
        {
            Console.Error.Write("\r" + line.PadRight(110));
            return;
        }
        // A log, not a terminal: a line per phase change and every 10 s.
        if (phase != _lastPhase || System.Diagnostics.Stopwatch.GetElapsedTime(_lastLine) >= RedirectedEvery)
        {
            _lastPhase = phase;
            _lastLine = System.Diagnostics.Stopwatch.GetTimestamp();
            Console.Error.WriteLine(line);
        }
    }

    /// <summary>Ends the status line.</summary>
    public static void Done()
    {
        if (!Console.IsErrorRedirected)
        {
            Console.Error.WriteLine();
        }
    }
}
