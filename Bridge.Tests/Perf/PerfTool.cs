using System.Diagnostics;
using System.Reflection;

namespace Bridge.Tests.Perf;

/// <summary>Runs one of the perf/ tools (built by Bridge.sln with the tests) as a child process, bounded in time.</summary>
internal static class PerfTool
{
    /// <summary>
    /// Runs <c>perf/<paramref name="project"/></c>'s build output with <paramref name="args"/>; returns its exit code and
    /// its stdout then stderr. Kills it and throws <see cref="TimeoutException"/> past <paramref name="timeout"/>.
    /// </summary>
    public static async Task<(int Code, string Output)> RunAsync(string project, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(DllOf(project));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"perf/{project} did not finish within {timeout}:\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout + "\n" + await stderr);
    }

    /// <summary>perf/<paramref name="project"/>'s build output for this test build's configuration (Bridge.sln builds both).</summary>
    private static string DllOf(string project)
    {
        var configuration = typeof(PerfTool).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var dll = Path.Combine(dir.FullName, "perf", project, "bin", configuration, "net10.0", project + ".dll");
            if (File.Exists(dll))
            {
                return dll;
            }
        }

        throw new FileNotFoundException($"perf/{project}/bin/{configuration}/net10.0/{project}.dll not found: build Bridge.sln (or perf/{project}) first");
    }
}
