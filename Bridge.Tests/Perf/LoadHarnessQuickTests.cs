using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace Bridge.Tests.Perf;

/// <summary>
/// Runs the built load harness (perf/LoadHarness, part of Bridge.sln) as a separate process with --quick: 200
/// viewers with real ICE/DTLS/SRTP on a 3-bridge relay tree, 8 s of steady state, the plain-UDP limit probe
/// (needs gcc), and checks the JSON it writes; and once with --signaling: 50 viewers joining through main and two
/// visitor nodes (redirect, offer/answer over the WebSocket), read back from the report's node table.
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

        using var doc = await ReadCompleteJsonAsync(json, output);
        var root = doc.RootElement;
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
    public async Task Quick_signaling_run_joins_viewers_through_both_visitor_nodes_with_loss_under_one_percent()
    {
        var json = Path.Combine(_dir, "signaling.json");
        var (code, output) = await RunHarnessAsync(TimeSpan.FromSeconds(150),
            "--quick", "--signaling", "--viewers", "50", "--visitor-nodes", "2", "--duration", "5", "--json", json);
        Assert.True(code == 0, $"exit {code}:\n{output}");

        using var doc = await ReadCompleteJsonAsync(json, output);
        var root = doc.RootElement;
        Assert.Equal(50, root.GetProperty("viewers").GetInt32());
        Assert.Equal(3, root.GetProperty("bridges").GetInt32());
        Assert.True(root.GetProperty("loss_fraction").GetDouble() < 0.01, $"loss under 1%:\n{output}");
        Assert.True(root.GetProperty("egress_pps").GetDouble() > 500, $"media flowed:\n{output}");
        // join_s includes the signaling: it cannot be shorter than the signaling part.
        Assert.True(root.GetProperty("join_s").GetProperty("p50").GetDouble() > 0, $"join measured:\n{output}");

        // The report's node table: main redirected every viewer, and each visitor node took some (least loaded first).
        var nodes = TableRows(output, "| signaling node |");
        Assert.True(nodes.ContainsKey("v1") && nodes.ContainsKey("v2"), $"both visitor nodes listed:\n{output}");
        foreach (var n in (string[])["v1", "v2"])
        {
            Assert.True(nodes[n].Joins > 0 && nodes[n].Redirects == nodes[n].Joins, $"{n} took viewers:\n{output}");
        }
        Assert.Equal(50, nodes["v1"].Joins + nodes["v2"].Joins);
        Assert.Equal(1, nodes["main"].Joins); // the publisher, seated at main
        Assert.Contains("| signaling_join_s p50 / p99", output, StringComparison.Ordinal);
        Assert.Matches(@"\| reoffers / errors / WebSockets lost during the run \| 0 / 0 / 0 \|", output);
        Assert.Matches(@"\| WebSockets held / open at report time \| 51 / 51 \|", output);
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
        (code, output) = await RunHarnessAsync(TimeSpan.FromSeconds(30), "--visitor-nodes", "2");
        Assert.Equal(2, code);
        Assert.Contains("LoadHarness: --visitor-nodes", output, StringComparison.Ordinal); // the error line, not the usage
        (code, output) = await RunHarnessAsync(TimeSpan.FromSeconds(30), "--signaling", "--room", "Acme/x");
        Assert.Equal(2, code);
        Assert.Contains("LoadHarness: --room", output, StringComparison.Ordinal); // the error line, not the usage
        (code, output) = await RunHarnessAsync(TimeSpan.FromSeconds(30), "--attach-signaling", "ftp://127.0.0.1/");
        Assert.Equal(2, code);
        Assert.Contains("LoadHarness: --attach-signaling", output, StringComparison.Ordinal); // the error line, not the usage
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The result JSON, checked to have exactly the issue's keys, every one measured.</summary>
    private static async Task<JsonDocument> ReadCompleteJsonAsync(string json, string output)
    {
        var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = doc.RootElement;
        Assert.Equal(Keys.Order(), root.EnumerateObject().Select(p => p.Name).Order());
        foreach (var key in Keys)
        {
            Assert.True(root.GetProperty(key).ValueKind != JsonValueKind.Null, $"{key} is measured:\n{output}");
        }
        Assert.Equal(["max", "p50", "p90", "p99"], root.GetProperty("latency_ms").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(["p50", "p99"], root.GetProperty("join_s").EnumerateObject().Select(p => p.Name).Order());
        return doc;
    }

    /// <summary>Rows "| name | a | b |" of the Markdown table whose header starts with <paramref name="header"/>.</summary>
    private static Dictionary<string, (int Redirects, int Joins)> TableRows(string output, string header)
    {
        var rows = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        var lines = output.Split('\n').Select(l => l.Trim()).ToList();
        var start = lines.FindIndex(l => l.StartsWith(header, StringComparison.Ordinal));
        Assert.True(start >= 0, $"no table '{header}':\n{output}");
        foreach (var line in lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            rows[cells[0]] = (int.Parse(cells[1], NumberStyles.AllowThousands, CultureInfo.InvariantCulture), int.Parse(cells[2], NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
        }
        return rows;
    }

    private static Task<(int Code, string Output)> RunHarnessAsync(TimeSpan timeout, params string[] args) => PerfTool.RunAsync("LoadHarness", timeout, args);
}
