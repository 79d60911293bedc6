using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace Bridge.Tests.Perf;

/// <summary>
/// Runs the built visitor fan-out benchmark (perf/VisitorFanout, part of Bridge.sln) as a separate process with 300
/// visitors over 5 visitor nodes (criterion 6 of the conference-features issue, small): every visitor gets the one chat
/// message exactly once, and a reaction storm from all of them costs main about one event per node and second. No
/// timing is asserted: the delivery times are the benchmark's figures, not a pass mark.
/// </summary>
[Trait("Category", "Integration")]
public sealed class VisitorFanoutQuickTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("visitorfanout-test").FullName;

    [Theory]
    [InlineData("inprocess")]
    [InlineData("child")]
    public async Task Three_hundred_visitors_over_five_nodes_get_the_chat_once_and_the_storm_costs_main_a_few_events_per_node_and_second(string clients)
    {
        var json = Path.Combine(_dir, $"{clients}.json");
        var (code, output) = await RunAsync(TimeSpan.FromSeconds(120),
            "--visitors", "300", "--nodes", "5", "--reactions", "6", "--storm-seconds", "3", "--clients", clients, "--json", json);
        Assert.True(code == 0, $"exit {code}:\n{output}");

        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var root = doc.RootElement;
        Assert.Equal(clients, root.GetProperty("clients").GetString());
        var ramp = root.GetProperty("ramp");
        Assert.Equal(300, ramp.GetProperty("joined").GetInt32());
        Assert.Equal(0, ramp.GetProperty("failed").GetInt32());
        // Main redirected every visitor, and each of the five nodes took some (least loaded first).
        var perNode = ramp.GetProperty("per_node").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
        Assert.Equal(["v1", "v2", "v3", "v4", "v5"], perNode.Keys.Order());
        Assert.All(perNode.Values, n => Assert.InRange(n, 1, 299));

        var chat = root.GetProperty("chat");
        Assert.Equal(300, chat.GetProperty("received").GetInt32());
        Assert.Equal(0, chat.GetProperty("duplicates").GetInt32());
        Assert.Equal(300, root.GetProperty("chat_exactly_once").GetInt32());
        Assert.Equal(0, root.GetProperty("lost").GetInt32());
        Assert.InRange(chat.GetProperty("p50_ms").GetDouble(), 0, chat.GetProperty("max_ms").GetDouble());

        var storm = root.GetProperty("storm");
        Assert.Equal(1800, storm.GetProperty("sent").GetInt64());
        Assert.Equal(1800, storm.GetProperty("accepted").GetInt64() + storm.GetProperty("dropped").GetInt64());
        var accepted = storm.GetProperty("accepted").GetInt64();
        Assert.True(accepted > 0, $"reactions were accepted:\n{output}");
        // 1,800 reactions reached main as aggregated events: at most a few per node and second (one per 1 s interval,
        // plus window edges), all event types together at most a few more per node and second.
        var window = storm.GetProperty("window_seconds").GetDouble();
        Assert.True(storm.GetProperty("main_in_reaction_events").GetInt64() > 0, $"reactions reached main:\n{output}");
        Assert.InRange(storm.GetProperty("main_in_reactions_per_node_per_second").GetDouble(), 0.01, 2.0);
        Assert.InRange(storm.GetProperty("main_in_events").GetInt64(), 1, (long)Math.Ceiling(5 * 5 * window));
        Assert.InRange(storm.GetProperty("main_out_events").GetInt64(), 1, (long)Math.Ceiling(5 * 5 * window));
        // Everyone saw every accepted reaction, merged: the host on main, and each visitor.
        Assert.Equal(accepted, storm.GetProperty("host_counted").GetInt64());
        Assert.Equal(300, storm.GetProperty("visitors_reached").GetInt32());
        Assert.Equal(accepted * 300, storm.GetProperty("visitor_counted").GetInt64());
        Assert.Contains("| chat delivery p50 / p90 / p99 / max |", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_options_exit_2_naming_the_option()
    {
        var (code, output) = await RunAsync(TimeSpan.FromSeconds(30), "--visitors", "many");
        Assert.Equal(2, code);
        Assert.Contains("VisitorFanout: --visitors", output, StringComparison.Ordinal);
        (code, output) = await RunAsync(TimeSpan.FromSeconds(30), "--clients", "remote");
        Assert.Equal(2, code);
        Assert.Contains("VisitorFanout: --clients", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<(int Code, string Output)> RunAsync(TimeSpan timeout, params string[] args) => PerfTool.RunAsync("VisitorFanout", timeout, args);
}
