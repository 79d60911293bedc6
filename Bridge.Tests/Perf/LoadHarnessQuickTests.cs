using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace Bridge.Tests.Perf;

/// <summary>
/// Runs the built load harness (perf/LoadHarness, part of Bridge.sln) as a separate process with --quick: 200
/// viewers with real ICE/DTLS/SRTP on a 3-bridge relay tree, 8 s of steady state, the plain-UDP limit probe
/// (needs gcc), and checks the JSON it writes.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LoadHarnessQuickTests : IDisposable
{
    private static readonly string[] Keys =
    [
        "viewers", "bridges", "publishers", "egress_pps", "egress_mbps", "loss_fraction", "latency_ms", "join_s",
        "bridge_cpu_core_seconds", "bridge_rss_bytes_per_viewer", "limit_pps", "ratio_to_limit", "pps_per_core",
    ];

    private readonly string _dir = Directory.CreateTempSubdirectory("loadharness-test").FullName;

    [Fact]
    public async Task Quick_run_writes_complete_json_and_charts_with_loss_under_one_percent()
    {
        var json = Path.Combine(_dir, "result.json");
        var charts = Path.Combine(_dir, "charts");
        var (code, output) = await RunHarnessAsync(TimeSpan.FromSeconds(150), "--quick", "--json", json, "--charts", charts);
        Assert.True(code == 0, $"exit {code}:\n{output}");

        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = doc.RootElement;
        Assert.Equal(Keys.Order(), root.EnumerateObject().Select(p => p.Name).Order());
        foreach (var key in Keys)
        {
            Assert.True(root.GetProperty(key).ValueKind != JsonValueKind.Null, $"{key} is measured:\n{output}");
        }
        Assert.Equal(["max", "p50", "p90", "p99"], root.GetProperty("latency_ms").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(["p50", "p99"], root.GetProperty("join_s").EnumerateObject().Select(p => p.Name).Order());

        Assert.Equal(200, root.GetProperty("viewers").GetInt32());
        Assert.Equal(3, root.GetProperty("bridges").GetInt32());
        Assert.True(root.GetProperty("loss_fraction").GetDouble() < 0.01, $"loss under 1%:\n{output}");
        Assert.True(root.GetProperty("egress_pps").GetDouble() > 1000, $"media flowed:\n{output}");
        var latency = root.GetProperty("latency_ms");
        Assert.InRange(latency.GetProperty("p50").GetDouble(), 0.001, latency.GetProperty("p99").GetDouble());
        Assert.True(latency.GetProperty("p99").GetDouble() <= latency.GetProperty("max").GetDouble());
        Assert.True(root.GetProperty("limit_pps").GetDouble() > 1000, $"the limit probe ran:\n{output}");
        Assert.True(root.GetProperty("pps_per_core").GetDouble() > 0);
        foreach (var chart in new[] { "latency-cdf.png", "egress-cpu.png", "viewers-per-bridge.png" })
        {
            var path = Path.Combine(charts, chart);
            Assert.True(File.Exists(path) && new FileInfo(path).Length > 1000, $"{chart} written");
        }
        Assert.Contains("| loss fraction |", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_options_exit_2_naming_the_option()
    {
        var (code, output) = await RunHarnessAsync(TimeSpan.FromSeconds(30), "--viewers", "many");
        Assert.Equal(2, code);
        Assert.Contains("--viewers", output, StringComparison.Ordinal);
        (code, output) = await RunHarnessAsync(TimeSpan.FromSeconds(30), "--fan-out", "1");
        Assert.Equal(2, code);
        Assert.Contains("--fan-out", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Code, string Output)> RunHarnessAsync(TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(HarnessDll());
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
            throw new TimeoutException($"the harness did not finish within {timeout}:\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, await stdout + "\n" + await stderr);
    }

    /// <summary>perf/LoadHarness's build output for this test build's configuration (Bridge.sln builds both).</summary>
    private static string HarnessDll()
    {
        var configuration = typeof(LoadHarnessQuickTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var dll = Path.Combine(dir.FullName, "perf", "LoadHarness", "bin", configuration, "net10.0", "LoadHarness.dll");
            if (File.Exists(dll))
            {
                return dll;
            }
        }
        throw new FileNotFoundException($"perf/LoadHarness/bin/{configuration}/net10.0/LoadHarness.dll not found: build Bridge.sln (or perf/LoadHarness) first");
    }
}
