using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace LoadHarness;

/// <summary>
/// Result of the plain-UDP limit probe: packets one core sends with sendmmsg over loopback, per second of the
/// sending thread's CPU time (what the bridge's egress per CPU-second is compared with) and per wall-clock second.
/// </summary>
public sealed record LimitResult(double PpsPerCpuSecond, double WallPps, double SenderCpuSeconds, double Seconds);

/// <summary>
/// Runs perf/limit (a C sendmmsg blaster pinned to one core, a recvmmsg sink on another) with the run's own packet
/// sizes; builds perf/limit/limit.c with the machine's gcc when no binary is given.
/// </summary>
public static class LimitProbe
{
    /// <summary>Builds (when needed) and runs the probe; null with a reason when it cannot run.</summary>
    public static async Task<(LimitResult? Result, string? Problem)> RunAsync(string? binary, double seconds, IReadOnlyList<int> sizes, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Count == 0)
        {
            return (null, "no packet sizes (nothing was sent)");
        }
        binary ??= await BuildAsync(token);
        if (binary is null || !File.Exists(binary))
        {
            return (null, binary is null ? "perf/limit/limit.c not found or gcc failed" : $"{binary} does not exist");
        }
        var args = new List<string> { seconds.ToString("0.###", CultureInfo.InvariantCulture) };
        args.AddRange(sizes.Take(256).Select(s => Math.Clamp(s, 16, 1500).ToString(CultureInfo.InvariantCulture)));
        var (code, output) = await RunProcessAsync(binary, args, TimeSpan.FromSeconds(seconds + 15), token);
        if (code != 0)
        {
            return (null, $"limit exited {code}: {output.Trim()}");
        }
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        var root = json.RootElement;
        return (new LimitResult(root.GetProperty("sent_pps_per_cpu").GetDouble(), root.GetProperty("sent_pps").GetDouble(),
            root.GetProperty("sender_cpu_seconds").GetDouble(), root.GetProperty("seconds").GetDouble()), null);
    }

    private static async Task<string?> BuildAsync(CancellationToken token)
    {
        var source = FindSource();
        if (source is null)
        {
            return null;
        }
        var binary = Path.Combine(AppContext.BaseDirectory, "limit");
        if (File.Exists(binary) && File.GetLastWriteTimeUtc(binary) >= File.GetLastWriteTimeUtc(source))
        {
            return binary;
        }
        var (code, _) = await RunProcessAsync("gcc", ["-O2", "-pthread", "-o", binary, source], TimeSpan.FromSeconds(60), token);
        return code == 0 ? binary : null;
    }

    private static string? FindSource()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "perf", "limit", "limit.c");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static async Task<(int Code, string Output)> RunProcessAsync(string file, IEnumerable<string> args, TimeSpan timeout, CancellationToken token)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        try
        {
            using var process = Process.Start(start)!;
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(token);
            limit.CancelAfter(timeout);
            var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
            var stderr = process.StandardError.ReadToEndAsync(limit.Token);
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                return (-1, "timed out");
            }
            return (process.ExitCode, await stdout + await stderr);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
