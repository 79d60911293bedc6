using ScottPlot;

namespace LoadHarness;

/// <summary>The run's PNG charts (ScottPlot): latency CDF, egress and CPU over time, viewers per bridge.</summary>
public static class Charts
{
    /// <summary>Writes latency-cdf.png, egress-cpu.png and viewers-per-bridge.png into <paramref name="directory"/>; answers their paths.</summary>
    public static IReadOnlyList<string> Write(string directory, LatencyHistogram latency, IReadOnlyList<Rates> series, (double Start, double End) window, IReadOnlyList<(string Bridge, int Viewers)> viewersPerBridge, string title)
    {
        ArgumentNullException.ThrowIfNull(latency);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(viewersPerBridge);
        Directory.CreateDirectory(directory);
        var paths = new List<string>();

        var cdf = latency.Cdf().ToList();
        var plot = new Plot();
        if (cdf.Count > 0)
        {
            var line = plot.Add.Scatter(cdf.Select(p => p.Microseconds / 1000).ToArray(), cdf.Select(p => p.Fraction * 100).ToArray());
            line.MarkerSize = 0;
            line.LineWidth = 2;
        }
        plot.Title($"One-way latency CDF ({latency.Count:N0} packets) - {title}");
        plot.XLabel("latency (ms)");
        plot.YLabel("packets at or below (%)");
        plot.Axes.SetLimitsY(0, 100);
        paths.Add(Save(plot, directory, "latency-cdf.png"));

        plot = new Plot();
        var t = series.Select(r => r.Seconds).ToArray();
        var egress = plot.Add.Scatter(t, series.Select(r => r.EgressPps).ToArray());
        egress.LegendText = "egress RTP pps (left)";
        egress.MarkerSize = 0;
        var received = plot.Add.Scatter(t, series.Select(r => r.ViewerPps).ToArray());
        received.LegendText = "received by viewers pps (left)";
        received.MarkerSize = 0;
        received.LinePattern = LinePattern.Dashed;
        if (series.Any(r => r.BridgeCores is not null))
        {
            var cpu = plot.Add.Scatter(t, series.Select(r => r.BridgeCores ?? 0).ToArray());
            cpu.LegendText = "bridge CPU cores (right)";
            cpu.MarkerSize = 0;
            cpu.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "CPU cores";
        }
        var start = plot.Add.VerticalLine(window.Start);
        start.LinePattern = LinePattern.Dotted;
        start.Text = "window";
        var end = plot.Add.VerticalLine(window.End);
        end.LinePattern = LinePattern.Dotted;
        plot.Title($"Egress and bridge CPU over time - {title}");
        plot.XLabel("time since start (s)");
        plot.YLabel("packets/s");
        plot.ShowLegend(Alignment.UpperLeft);
        paths.Add(Save(plot, directory, "egress-cpu.png"));

        plot = new Plot();
        var bars = plot.Add.Bars(viewersPerBridge.Select(v => (double)v.Viewers).ToArray());
        bars.Color = Colors.SteelBlue;
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, viewersPerBridge.Count).Select(i => (double)i).ToArray(), viewersPerBridge.Select(v => v.Bridge).ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Title($"Viewers per bridge - {title}");
        plot.YLabel("viewers");
        paths.Add(Save(plot, directory, "viewers-per-bridge.png"));
        return paths;
    }

    private static string Save(Plot plot, string directory, string name)
    {
        var path = Path.Combine(directory, name);
        plot.SavePng(path, 1000, 600);
        return path;
    }
}
