using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using RelayHopLatency;

// Per-hop added latency of the relay tree on loopback. One process holds four bridges
// (P; C child of P; M child of P; C2 child of M) and one publisher/receiver pair per path:
// "0 hops" (receiver on P), "1 hop" (P -> C), "2 hops" (P -> M -> C2), each its own conference so
// only one path carries media at a time. The 1-hop path's maximum loss-free rate is found first;
// then each path is measured at half of it, in interleaved rounds so slow drifts of the shared
// machine's load hit all paths alike.
// Usage: dotnet run -c Release --project perf/RelayHopLatency -- [--packets 20000] [--rounds 10]
//        [--warmup 500] [--bytes 1000] [--rate PPS (skip the ramp: PPS is the maximum)] [--json FILE]
var options = Options.Parse(args);
var inv = CultureInfo.InvariantCulture;

await using var fleet = await HopFleet.StartAsync(["p", "c", "m", "c2"]);
await fleet.LinkAsync("p", "c");
await fleet.LinkAsync("p", "m");
await fleet.LinkAsync("m", "c2");
var paths = new List<HopPath>();
foreach (var (name, hops, receiverBridge) in new[] { ("0 hops (receiver on P)", 0, "p"), ("1 hop (P -> C)", 1, "c"), ("2 hops (P -> M -> C)", 2, "c2") })
{
    var conference = $"hop{hops}";
    await fleet.CreateConferenceAsync(conference);
    var publisher = await fleet.ConnectAsync("p", conference, "pub", publish: true);
    var receiver = await fleet.ConnectAsync(receiverBridge, conference, "view", publish: false);
    paths.Add(new HopPath(name, hops, publisher, receiver));
}

var bench = new HopBench(options.Bytes);
LatencySummary[] summaries = [];
LatencySummary[][] rounds = [];
List<RampStep> ramp = [];
double maxRate = 0, rate = 0;
var measurement = new Thread(() =>
{
    foreach (var path in paths)
    {
        if (!bench.WaitForMedia(path, TimeSpan.FromSeconds(20)))
        {
            throw new InvalidOperationException($"{path.Name}: no media reached the receiver within 20 s");
        }
    }
    var oneHop = paths[1];
    if (options.Rate is { } given)
    {
        maxRate = given;
    }
    else
    {
        Console.Error.WriteLine("ramp on the 1-hop path (target pps, achieved pps, loss):");
        ramp = bench.Ramp(oneHop, 2_000, 1.25, 0.001, 30, TimeSpan.FromSeconds(120),
            s => Console.Error.WriteLine(string.Create(inv, $"  {s.TargetRate,8:F0} {s.AchievedRate,8:F0} {s.Loss,8:P3}")));
        var ok = ramp.Where(s => s.Loss <= 0.001).ToList();
        maxRate = ok.Count == 0 ? ramp[0].AchievedRate : ok.Max(s => s.AchievedRate);
    }
    rate = maxRate / 2;
    Console.Error.WriteLine(string.Create(inv, $"maximum loss-free rate {maxRate:F0} pps; measuring at {rate:F0} pps"));

    var perRound = options.Packets / options.Rounds;
    var runs = paths.Select(_ => new List<RunResult>()).ToArray();
    for (var round = 0; round < options.Rounds; round++)
    {
        for (var k = 0; k < paths.Count; k++)
        {
            // Rotate the order so no path always runs right after another one's burst of work.
            var p = (k + round) % paths.Count;
            bench.Run(paths[p], options.Warmup, rate);
            var result = bench.Run(paths[p], perRound, rate);
            runs[p].Add(result);
            Console.Error.WriteLine(string.Create(inv, $"  round {round + 1}: {paths[p].Name}: {result.Recording.Received}/{result.Sent} at {result.AchievedRate:F0} pps"));
        }
    }
    summaries = [.. paths.Select((path, p) => LatencySummary.From(path.Name, path.Hops, runs[p].Sum(r => r.Sent), runs[p].SelectMany(r => r.Recording.LatenciesMicroseconds())))];
    rounds = [.. runs.Select(r => r.Select(x => LatencySummary.From("", 0, x.Sent, x.Recording.LatenciesMicroseconds())).ToArray())];
})
{ Name = "measurement" };
measurement.Start();
measurement.Join();
foreach (var path in paths)
{
    path.Publisher.Dispose();
    path.Receiver.Dispose();
}
if (summaries.Length == 0)
{
    return 1;
}

var zero = summaries[0];
// The median over rounds of each round's percentile: a round hit by a burst of outside load
// (the machine is shared) moves it little, unlike the pooled tail.
var medians = rounds.Select(r => new LatencySummary("", 0, 0, 0, Median(r, s => s.P50), Median(r, s => s.P90), Median(r, s => s.P99), 0)).ToArray();
var perHop = new[]
{
    ("1 hop - 0 hops, pooled", Diff(summaries[1], zero, 1)),
    ("(2 hops - 0 hops) / 2, pooled", Diff(summaries[2], zero, 2)),
    ("1 hop - 0 hops, median of rounds", Diff(medians[1], medians[0], 1)),
    ("(2 hops - 0 hops) / 2, median of rounds", Diff(medians[2], medians[0], 2)),
};
// Every packet's time in a hop is part of its whole one-way time, so the hop's p99 is at most the
// 1-hop path's p99: a bound that, unlike the difference of two noisy tails, cannot come out negative.
var bound = summaries[1].P99;
var met = bound < 1000 && perHop.All(h => h.Item2.P99 < 1000);
var md = new StringBuilder();
md.AppendLine(inv, $"Profile {paths[0].Receiver.Profile}, {options.Bytes}-byte RTP video packets, maximum loss-free 1-hop rate {maxRate:F0} pps, measured at {rate:F0} pps, {options.Packets} packets per path in {options.Rounds} interleaved rounds (after {options.Warmup} warm-up packets each).");
md.AppendLine();
md.AppendLine("| Path | Sent | Received | Loss | p50 (µs) | p90 (µs) | p99 (µs) | max (µs) | p99 of each round: min / median / max (µs) |");
md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
for (var i = 0; i < summaries.Length; i++)
{
    var s = summaries[i];
    var r = rounds[i].Select(x => x.P99).Order().ToArray();
    md.AppendLine(inv, $"| {s.Configuration} | {s.Sent} | {s.Received} | {s.Loss:P2} | {s.P50:F1} | {s.P90:F1} | {s.P99:F1} | {s.Max:F1} | {r[0]:F0} / {medians[i].P99:F0} / {r[^1]:F0} |");
}
md.AppendLine();
md.AppendLine("| Added per hop | p50 (µs) | p90 (µs) | p99 (µs) |");
md.AppendLine("|---|---:|---:|---:|");
foreach (var (name, d) in perHop)
{
    md.AppendLine(inv, $"| {name} | {d.P50:F1} | {d.P90:F1} | {d.P99:F1} |");
}
md.AppendLine();
md.AppendLine(inv, $"Upper bound of the per-hop p99 (p99 of the whole 1-hop path): {bound:F1} µs.");
md.AppendLine(inv, $"Target p99 < 1,000 µs per hop (difference and bound): {(met ? "met" : "NOT met")}.");
Console.WriteLine(md.ToString());

if (options.Json is { } file)
{
    var report = new
    {
        Machine = new { Environment.ProcessorCount, Os = RuntimeInformation.OSDescription, Runtime = RuntimeInformation.FrameworkDescription },
        options.Bytes,
        options.Packets,
        options.Rounds,
        options.Warmup,
        Profile = paths[0].Receiver.Profile?.ToString(),
        MaxRate = maxRate,
        Rate = rate,
        Ramp = ramp,
        Paths = summaries.Select(s => new { s.Configuration, s.Hops, s.Sent, s.Received, s.Loss, s.P50, s.P90, s.P99, s.Max }),
        RoundPercentiles = rounds.Select(r => r.Select(x => new { x.P50, x.P90, x.P99, x.Max })),
        PerHop = perHop.Select(h => new { Name = h.Item1, h.Item2.P50, h.Item2.P90, h.Item2.P99 }),
        PerHopP99UpperBound = bound,
        TargetMet = met,
    };
    await File.WriteAllTextAsync(file, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
}
return met ? 0 : 2;

static double Median(LatencySummary[] rounds, Func<LatencySummary, double> percentile)
{
    var sorted = rounds.Select(percentile).Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

static (double P50, double P90, double P99) Diff(LatencySummary more, LatencySummary baseline, int hops) =>
    ((more.P50 - baseline.P50) / hops, (more.P90 - baseline.P90) / hops, (more.P99 - baseline.P99) / hops);

/// <summary>Command-line options.</summary>
internal sealed record Options(int Packets, int Rounds, int Warmup, int Bytes, double? Rate, string? Json)
{
    /// <summary>Parses --name value pairs; unknown names are an error.</summary>
    public static Options Parse(string[] args)
    {
        var o = new Options(20_000, 10, 500, 1_000, null, null);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            o = args[i] switch
            {
                "--packets" => o with { Packets = int.Parse(value, CultureInfo.InvariantCulture) },
                "--rounds" => o with { Rounds = int.Parse(value, CultureInfo.InvariantCulture) },
                "--warmup" => o with { Warmup = int.Parse(value, CultureInfo.InvariantCulture) },
                "--bytes" => o with { Bytes = int.Parse(value, CultureInfo.InvariantCulture) },
                "--rate" => o with { Rate = double.Parse(value, CultureInfo.InvariantCulture) },
                "--json" => o with { Json = value },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        if (args.Length % 2 != 0 || o.Packets < o.Rounds || o.Rounds < 1 || o.Warmup < 0 || o.Bytes is < 12 + LatencyPeer.ProbeLength or > 1200)
        {
            throw new ArgumentException("usage: [--packets N] [--rounds R] [--warmup W] [--bytes 28..1200] [--rate PPS] [--json FILE]");
        }
        return o;
    }
}
