using System.Globalization;

namespace LoadHarness;

/// <summary>CPU time and resident memory of a process or of its named threads, read from /proc (Linux).</summary>
public static class ProcStat
{
    // USER_HZ: the unit of utime/stime in /proc/*/stat; 100 on every Linux the harness runs on.
    private const double TicksPerSecond = 100;

    /// <summary>CPU seconds (user + system) of process <paramref name="pid"/>, or null when unreadable.</summary>
    public static double? ProcessCpuSeconds(int pid) => CpuSeconds($"/proc/{pid}/stat");

    /// <summary>CPU seconds of the threads of <paramref name="pid"/> whose name starts with <paramref name="prefix"/>.</summary>
    public static double ThreadCpuSeconds(int pid, string prefix)
    {
        double total = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                if (TryRead(Path.Combine(task, "comm"))?.Trim().StartsWith(prefix, StringComparison.Ordinal) == true)
                {
                    total += CpuSeconds(Path.Combine(task, "stat")) ?? 0;
                }
            }
        }
        catch (IOException)
        {
            // The process ended.
        }
        catch (UnauthorizedAccessException)
        {
            // Another user's process.
        }
        return total;
    }

    /// <summary>Resident set size of process <paramref name="pid"/> in bytes, or null when unreadable.</summary>
    public static long? RssBytes(int pid)
    {
        var status = TryRead($"/proc/{pid}/status");
        var line = status?.Split('\n').FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is { Length: >= 2 } && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;
    }

    private static double? CpuSeconds(string statPath)
    {
        var stat = TryRead(statPath);
        // The command name (field 2) may hold spaces; fields after its closing parenthesis are fixed.
        var close = stat?.LastIndexOf(')') ?? -1;
        if (stat is null || close < 0)
        {
            return null;
        }
        var fields = stat[(close + 2)..].Split(' ');
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        return fields.Length > 12
            && long.TryParse(fields[11], NumberStyles.Integer, CultureInfo.InvariantCulture, out var user)
            && long.TryParse(fields[12], NumberStyles.Integer, CultureInfo.InvariantCulture, out var system)
            ? (user + system) / TicksPerSecond
            : null;
    }

    private static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
