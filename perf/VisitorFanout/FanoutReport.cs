using System.Globalization;
using System.Text;
using System.Text.Json;

namespace VisitorFanout;

/// <summary>The run's Markdown table and JSON.</summary>
public static class FanoutReport
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, DictionaryKeyPolicy = null, WriteIndented = true };

    /// <summary>The result as indented JSON with snake_case names.</summary>
    public static string Json(FanoutResult result) => JsonSerializer.Serialize(result, JsonOptions);

    /// <summary>The result as a two-column Markdown table.</summary>
    public static string Markdown(FanoutResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var s = r.Storm;
        var sb = new StringBuilder();
        void Row(string figure, string value) => sb.Append(CultureInfo.InvariantCulture, $"| {figure} | {value} |\n");
        sb.Append("| figure | value |\n|---|---:|\n");
        Row("visitors / visitor nodes / bridges", $"{r.Visitors:N0} / {r.Nodes} / {r.Bridges} (clients {r.Clients})");
        Row("joined / failed", $"{r.Ramp.Joined:N0} / {r.Ramp.Failed:N0}{(r.Ramp.FirstError is { } e ? $" (first: {e})" : "")}");
        Row("ramp", $"{r.Ramp.Seconds:F1} s ({r.Ramp.Joined / Math.Max(r.Ramp.Seconds, 0.001):F0} joins/s)");
        Row("visitors per node", string.Join(", ", r.Ramp.PerNode.Select(p => $"{p.Key} {p.Value:N0}")));
        Row("chat: visitors reached / extra copies", $"{r.Chat.Received:N0} of {r.Chat.Visitors:N0} / {r.Chat.Duplicates:N0}");
        Row("chat delivery p50 / p90 / p99 / max", $"{r.Chat.P50Ms:F1} / {r.Chat.P90Ms:F1} / {r.Chat.P99Ms:F1} / {r.Chat.MaxMs:F1} ms");
        Row("storm: reactions per visitor over", $"{s.ReactionsPerVisitor} over {s.SpreadSeconds:F1} s (sends took {s.SendSeconds:F1} s; window with the settle {s.WindowSeconds:F1} s)");
        Row("storm: sent / send failures", $"{s.Sent:N0} / {s.SendFailures:N0}");
        Row("storm: accepted / dropped at the nodes", $"{s.Accepted:N0} / {s.Dropped:N0}");
        Row("main federation events in (reactions)", $"{s.MainInEvents:N0} ({s.MainInReactionEvents:N0})");
        Row("main events in per s / reaction events per node per s", $"{s.MainInPerSecond:F2} / {s.MainInReactionsPerNodePerSecond:F2}");
        Row("main federation events out (reactions)", $"{s.MainOutEvents:N0} ({s.MainOutReactionEvents:N0})");
        Row("main events out per s", $"{s.MainOutPerSecond:F2}");
        Row("main events in / out by type", $"{Types(s.MainInByType)} / {Types(s.MainOutByType)}");
        Row("host on main: reactions pushes / reactions counted", $"{s.HostPushes:N0} / {s.HostCounted:N0}");
        Row("visitors: reactions pushes / counted / reached", $"{s.VisitorPushes:N0} / {s.VisitorCounted:N0} / {s.VisitorsReached:N0}");
        Row("visitors with the chat message exactly once / sockets lost", $"{r.ChatExactlyOnce:N0} / {r.Lost:N0}");
        return sb.ToString();
    }

    private static string Types(Dictionary<string, long> byType) =>
        byType.Count == 0 ? "none" : string.Join(", ", byType.Select(t => $"{t.Key} {t.Value:N0}"));
}
