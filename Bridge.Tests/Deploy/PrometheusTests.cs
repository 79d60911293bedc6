using System.Text.Json;
using System.Text.RegularExpressions;

namespace Bridge.Tests.Deploy;

/// <summary>
/// The shipped Prometheus files against Debian's real prometheus and promtool: the server scrapes an in-process fleet
/// through file-based discovery and its HTTP API must show what the fleet has; promtool must accept the config, the
/// rules and every component's /metrics; the Grafana dashboard must query only metrics the fleet exports.
/// </summary>
[Trait("Category", "Prometheus")]
public sealed partial class PrometheusTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Prometheus_scrapes_the_fleet_with_the_shipped_config_and_sees_its_endpoints_stress_and_visitors()
    {
        await using var fleet = await MonitoredFleet.StartAsync();
        var bridges = fleet.Bridges.ToDictionary(b => MonitoredFleet.Instance(b.Api));
        var main = MonitoredFleet.Instance(fleet.Signaling.Url);
        using var prometheus = await PrometheusServer.StartAsync(new Dictionary<string, string[]>
        {
            ["xxlmeet-main.json"] = [main],
            ["xxlmeet-visitors.json"] = [],
            ["xxlmeet-bridges.json"] = [.. bridges.Keys],
        });

        await prometheus.WaitForScrapesAsync([.. bridges.Keys, main], scrapes: 2, TimeSpan.FromSeconds(60));

        var endpoints = await ByInstanceAsync(prometheus, "jitsi_jvb_endpoints{job=\"xxlmeet-bridges\"}");
        var visitors = await ByInstanceAsync(prometheus, "jitsi_jvb_current_visitors{job=\"xxlmeet-bridges\"}");
        var stress = await ByInstanceAsync(prometheus, "jitsi_jvb_stress_level{job=\"xxlmeet-bridges\"}");
        var packetRate = await ByInstanceAsync(prometheus, "jitsi_jvb_incoming_packet_rate{job=\"xxlmeet-bridges\"}");
        Assert.Equal(bridges.Keys.Order(), endpoints.Keys.Order());
        Assert.Equal(bridges.Keys.Order(), stress.Keys.Order());
        for (var i = 0; i < fleet.Bridges.Count; i++)
        {
            var (instance, bridge) = (MonitoredFleet.Instance(fleet.Bridges[i].Api), fleet.Bridges[i]);
            Assert.Equal(MonitoredFleet.Endpoints(bridge), endpoints[instance]);
            Assert.Equal(MonitoredFleet.Visitors(bridge), visitors[instance]);
            Assert.Equal(MonitoredFleet.Stress(bridge), stress[instance]);
            // Datagrams sent in the sampled second (plus any relay keepalive) over a capacity of 100 pps.
            Assert.InRange(stress[instance], MonitoredFleet.Datagrams[i] / 100.0, 1.5);
            Assert.InRange(packetRate[instance], MonitoredFleet.Datagrams[i], MonitoredFleet.Datagrams[i] + 20);
        }

        // Ann's sender, two visitors and three receivers made by hand: six endpoints in all, five of them receive-only.
        Assert.Equal(6, endpoints.Values.Sum());
        Assert.Equal(5, visitors.Values.Sum());
        var signalingVisitors = Assert.Single(await prometheus.QueryAsync("signaling_visitors{job=\"xxlmeet-main\"}"));
        Assert.Equal("main", signalingVisitors.Labels["node"]);
        Assert.Equal(2, signalingVisitors.Value);
        Assert.Equal(3, Assert.Single(await prometheus.QueryAsync("signaling_bridges{job=\"xxlmeet-main\",state=\"alive\"}")).Value);

        // Every panel query of the shipped dashboard evaluates, and names only series that exist.
        foreach (var (panel, expr) in DashboardQueries())
        {
            await prometheus.QueryAsync(expr);
            foreach (var metric in MetricNames(expr))
            {
                Assert.True((await prometheus.QueryAsync($"count({metric})")).Count == 1, $"panel '{panel}': no series {metric} in Prometheus");
            }
        }
    }

    [Fact]
    public void Promtool_accepts_the_shipped_config_and_alert_rules()
    {
        var promtool = Tools.Require("promtool", "prometheus");
        var dir = Directory.CreateTempSubdirectory("promtool-").FullName;
        try
        {
            foreach (var file in new[] { "prometheus.yml", "alerts.yml" })
            {
                File.Copy(Path.Combine(Tools.DeployDir, "prometheus", file), Path.Combine(dir, file));
            }

            Directory.CreateDirectory(Path.Combine(dir, "file_sd"));
            foreach (var job in new[] { "main", "visitors", "bridges" })
            {
                File.WriteAllText(Path.Combine(dir, "file_sd", $"xxlmeet-{job}.json"), "[]");
            }

            var config = Tools.Run(promtool, ["check", "config", "prometheus.yml"], Limit, dir);
            Assert.True(config.ExitCode == 0 && !config.StdOut.Contains("WARNING", StringComparison.Ordinal), config.ToString());
            Assert.Contains("SUCCESS: 1 rule files found", config.StdOut, StringComparison.Ordinal);
            var rules = Tools.Run(promtool, ["check", "rules", "alerts.yml"], Limit, dir);
            Assert.True(rules.ExitCode == 0, rules.ToString());
            Assert.Contains("SUCCESS: 7 rules found", rules.StdOut, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void The_alert_rules_cover_bridge_down_stress_relay_down_and_visitor_node_down()
    {
        var rules = File.ReadAllText(Path.Combine(Tools.DeployDir, "prometheus/alerts.yml"));
        Assert.Contains("expr: up{job=\"xxlmeet-bridges\"} == 0", rules, StringComparison.Ordinal);
        Assert.Matches(@"expr: jitsi_jvb_stress_level > 0\.8\s+for: 5m", rules);
        Assert.Contains("expr: bridge_relay_links{state=\"down\"} > 0", rules, StringComparison.Ordinal);
        Assert.Contains("expr: up{job=\"xxlmeet-visitors\"} == 0", rules, StringComparison.Ordinal);
        Assert.Contains("expr: rate(bridge_dropped_packets_total{reason=\"hand_off_overflow\"}[5m]) > 0", rules, StringComparison.Ordinal);
        Assert.Contains("expr: signaling_visitor_node_settings_differ == 1", rules, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promtool_finds_no_problem_in_any_components_metrics_and_the_dashboard_names_only_exported_metrics()
    {
        var promtool = Tools.Require("promtool", "prometheus");
        await using var fleet = await MonitoredFleet.StartAsync();
        var scrapes = new Dictionary<string, string> { ["signaling"] = await fleet.Signaling.Http.GetStringAsync("/metrics") };
        foreach (var bridge in fleet.Bridges)
        {
            scrapes[bridge.Api.ToString()] = await bridge.Http.GetStringAsync("/metrics");
        }

        foreach (var (component, text) in scrapes)
        {
            var lint = Tools.Run(promtool, ["check", "metrics"], Limit, stdin: text);
            Assert.True(lint.ExitCode == 0 && lint.StdOut.Trim().Length == 0 && lint.StdErr.Trim().Length == 0, $"{component}: {lint}");
        }

        // The same check does find problems: a counter without _total and a metric without help.
        var bad = Tools.Run(promtool, ["check", "metrics"], Limit, stdin: "# TYPE requests counter\nrequests 1\n");
        Assert.NotEqual(0, bad.ExitCode);

        var exported = scrapes.Values.SelectMany(SampleNames).ToHashSet(StringComparer.Ordinal);
        foreach (var name in new[]
        {
            "jitsi_jvb_stress_level", "jitsi_jvb_stress", "jitsi_jvb_conferences", "jitsi_jvb_endpoints", "jitsi_jvb_current_visitors", "jitsi_jvb_relays",
            "jitsi_jvb_incoming_packet_rate", "jitsi_jvb_outgoing_packet_rate", "jitsi_jvb_incoming_bitrate", "jitsi_jvb_outgoing_bitrate",
            "jitsi_jvb_loss_fraction", "jitsi_jvb_average_rtt", "jitsi_jvb_endpoints_ice_failed_total", "jitsi_jvb_endpoints_dtls_failed_total",
            "jitsi_jvb_rtp_transit_time_bucket", "signaling_visitors",
        })
        {
            Assert.Contains(name, exported);
        }

        var queries = DashboardQueries();
        var panels = queries.Select(q => q.Panel).Distinct().ToList();
        foreach (var required in new[] { "Viewers", "Stress", "Packet rates", "Loss", "Round-trip", "Transit", "Media loops" })
        {
            Assert.Contains(panels, p => p.StartsWith(required, StringComparison.Ordinal));
        }

        foreach (var (panel, expr) in queries)
        {
            var names = MetricNames(expr);
            Assert.True(names.Count > 0, $"panel '{panel}' query names no metric: {expr}");
            foreach (var name in names)
            {
                Assert.True(exported.Contains(name), $"panel '{panel}' queries {name}, which no component exports");
            }
        }
    }

    // Every (panel title, PromQL) of deploy/grafana/dashboard.json; parsing it is part of the check.
    private static List<(string Panel, string Expr)> DashboardQueries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Tools.DeployDir, "grafana/dashboard.json")));
        var queries = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(panel => panel.GetProperty("targets").EnumerateArray().Select(t => (panel.GetProperty("title").GetString()!, t.GetProperty("expr").GetString()!)))
            .ToList();
        Assert.True(queries.Count >= 10, $"only {queries.Count} queries in the dashboard");
        return queries;
    }

    // The dashboard writes every metric as a selector with braces, so the names are the identifiers before a '{'.
    private static List<string> MetricNames(string expr) => [.. Selector().Matches(expr).Select(m => m.Groups[1].Value).Distinct()];

    private static IEnumerable<string> SampleNames(string exposition) => exposition.Split('\n')
        .Where(line => line.Length > 0 && line[0] != '#')
        .Select(line => line[..line.IndexOfAny(['{', ' '])]);

    private static async Task<Dictionary<string, double>> ByInstanceAsync(PrometheusServer prometheus, string query) =>
        (await prometheus.QueryAsync(query)).ToDictionary(s => s.Labels["instance"], s => s.Value);

    [GeneratedRegex("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{")]
    private static partial Regex Selector();
}
