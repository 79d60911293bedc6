using System.Globalization;
using System.Text;

namespace LoadHarness;

/// <summary>The Markdown report printed on stdout at the end of a run.</summary>
public static class Report
{
    /// <summary>The result and details as Markdown tables.</summary>
    public static string Markdown(HarnessOptions options, HarnessResult r, RunDetails d)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(d);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"## Load harness: {r.Viewers:N0} viewers, {r.Publishers} publisher(s), {r.Bridges} bridge(s)");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Fleet: {d.Mode}; {d.Shape}. Video {options.BitrateKbps} kbit/s at {options.Fps} fps, keyframe every {options.KeyframeIntervalSeconds} s; audio {options.AudioPps} packets/s; SRTP {d.SrtpProfile ?? "?"}.");
        sb.AppendLine();
        sb.AppendLine("| figure | value |");
        sb.AppendLine("|---|---:|");
        Row(sb, "viewers held (joined / requested)", $"{d.ViewersJoined:N0} / {d.ViewersRequested:N0}");
        Row(sb, "join failures", $"{d.JoinFailures:N0}");
        Row(sb, "viewers that got media", $"{d.ViewersWithMedia:N0}");
        Row(sb, "ramp (s)", F(d.RampSeconds, "0.0"));
        Row(sb, "steady-state window (s)", F(d.WindowSeconds, "0.0"));
        Row(sb, "egress (RTP to viewers, pps)", F(r.EgressPps, "N0"));
        Row(sb, "egress (Mbit/s, all bridge sends)", F(r.EgressMbps, "0.0"));
        Row(sb, "received by viewers (pps)", F(d.ViewerPps, "N0"));
        Row(sb, "loss fraction", F(r.LossFraction, "0.00000"));
        Row(sb, "reordered packets", $"{d.Reordered:N0}");
        Row(sb, "latency p50 / p90 / p99 / max (ms)", $"{F(r.LatencyMs.P50, "0.00")} / {F(r.LatencyMs.P90, "0.00")} / {F(r.LatencyMs.P99, "0.00")} / {F(r.LatencyMs.Max, "0.00")}");
        Row(sb, "jitter per viewer stream, mean / p99 (ms)", $"{F(d.JitterMeanMs, "0.000")} / {F(d.JitterP99Ms, "0.000")}");
        Row(sb, "join to first packet p50 / p99 (s)", $"{F(r.JoinS.P50, "0.000")} / {F(r.JoinS.P99, "0.000")}");
        Row(sb, "bridge CPU in window (core-seconds)", F(r.BridgeCpuCoreSeconds, "0.0"));
        Row(sb, "bridge cores busy (all threads / forward threads)", $"{F(d.BridgeCores, "0.00")} / {F(d.ForwardCores, "0.00")}");
        Row(sb, "bridge RSS per viewer (bytes)", F(r.BridgeRssBytesPerViewer, "N0"));
        Row(sb, "egress pps per bridge core", F(r.PpsPerCore, "N0"));
        Row(sb, "plain-UDP sendmmsg limit, one core (pps per CPU-second)", r.LimitPps is null ? $"n/a ({d.LimitProblem})" : F(r.LimitPps, "N0"));
        if (d.Limit is { } limit)
        {
            Row(sb, "limit probe: wall-clock pps / sender CPU share", $"{F(limit.WallPps, "N0")} / {F(limit.SenderCpuSeconds / limit.Seconds, "0.00")}");
        }
        Row(sb, "ratio to limit (pps per core / limit)", F(r.RatioToLimit, "0.000"));
        Row(sb, "viewer socket drops (kernel, harness side)", $"{d.ViewerSocketDrops:N0}");
        Row(sb, "bridge drops since start", d.BridgeDrops == 0 ? "0" : $"{d.BridgeDrops:N0} ({d.BridgeDropReasons})");
        Row(sb, "keyframes sent / requested by the bridge", $"{d.Keyframes:N0} / {d.KeyframeRequests:N0}");
        Row(sb, "publisher resyncs (sender > 200 ms late)", $"{d.PublisherResyncs:N0}");
        if (d.FirstJoinError is not null)
        {
            Row(sb, "first join error", d.FirstJoinError.Replace('|', '/'));
        }
        sb.AppendLine();
        sb.AppendLine("| bridge | viewers |");
        sb.AppendLine("|---|---:|");
        foreach (var (bridge, viewers) in d.ViewersPerBridge)
        {
            Row(sb, bridge, $"{viewers:N0}");
        }
        if (d.JoinPathSection is { } section)
        {
            sb.AppendLine();
            sb.Append(section);
        }
        return sb.ToString();
    }

    /// <summary>One table row.</summary>
    internal static void Row(StringBuilder sb, string name, string value) => sb.Append("| ").Append(name).Append(" | ").Append(value).AppendLine(" |");

    private static string F(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";
}
