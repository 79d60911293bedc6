using System.Diagnostics;
using System.Globalization;
using Bridge.Client;

namespace LoadHarness;

/// <summary>
/// One bounded run: fleet, publishers, a ramp of viewers, a steady-state window, the plain-UDP limit probe, then
/// the report. Every wait has a deadline; the whole run is cancelled at <see cref="HarnessOptions.Deadline"/> and
/// the process exits 30 s after that whatever happens.
/// </summary>
public static class HarnessRun
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(1);

    /// <summary>Runs the harness; exit code 0 on a completed run, 1 when it could not run to the end.</summary>
    public static async Task<int> RunAsync(HarnessOptions o, bool inProcess)
    {
        ArgumentNullException.ThrowIfNull(o);
        using var deadline = new CancellationTokenSource(o.Deadline);
        using var watchdog = new Timer(_ =>
        {
            Console.Error.WriteLine($"LoadHarness: still running {o.Deadline.TotalSeconds + 30:0} s after start: exiting");
            Environment.Exit(3);
        }, null, o.Deadline + TimeSpan.FromSeconds(30), Timeout.InfiniteTimeSpan);
        try
        {
            return await RunBoundedAsync(o, inProcess, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            ProgressBar.Done();
            Console.Error.WriteLine($"LoadHarness: the run passed its {o.Deadline.TotalSeconds:0} s bound and was stopped");
            return 1;
        }
    }

    private static async Task<int> RunBoundedAsync(HarnessOptions o, bool inProcess, CancellationToken token)
    {
        FleetProcess? child = null;
        Fleet fleet;
        string mode;
        Uri? main = null;
        if (o.AttachSignaling is { } attached)
        {
            fleet = await Fleet.AttachSignalingAsync(attached, o.ApiSecret, o.FleetPid, token);
            main = attached;
            mode = "attached through its main signaling node";
        }
        else if (o.Attach.Count > 0)
        {
            fleet = Fleet.Attach(o.Attach, o.ApiSecret, o.FleetPid);
            mode = "attached";
        }
        else if (inProcess && o.Signaling)
        {
            var local = await SignalingFleet.StartAsync(o, token);
            main = local.MainUrl;
            fleet = await Fleet.AttachSignalingAsync(main, secret: null, Environment.ProcessId, token, owned: local);
            mode = "signaling and bridges in this process (CPU: the bridges' receive threads; RSS includes the viewers)";
        }
        else if (inProcess)
        {
            fleet = await Fleet.StartAsync(o.Bridges, o.FanOut, token);
            mode = "in this process (CPU: the bridges' receive threads; RSS includes the viewers)";
        }
        else
        {
            child = await FleetProcess.StartAsync(o, o.Deadline + TimeSpan.FromSeconds(60), token);
            fleet = child.Fleet;
            main = child.MainUrl;
            mode = main is null ? "one child process for all bridges" : $"one child process for main signaling, {o.VisitorNodes} visitor node(s) and the bridges";
        }
        try
        {
            // The join path: through signaling (main, redirected to visitor nodes) when there is a main node, else the
            // bridges' control API. Its WebSockets close before the fleet stops.
            await using IJoinPath join = main is null ? new ControlApiJoinPath(fleet, o.Conference) : new SignalingJoinPath(main, o.Room, fleet);
            return await MeasureAsync(o, fleet, join, mode, token);
        }
        finally
        {
            if (child is not null)
            {
                await child.DisposeAsync();
            }
            else
            {
                await fleet.DisposeAsync();
            }
        }
    }

    private static async Task<int> MeasureAsync(HarnessOptions o, Fleet fleet, IJoinPath join, string mode, CancellationToken token)
    {
        await join.PrepareAsync(token);
        var window = new MeasurementWindow();
        var book = new ViewerBook(o.Viewers, o.Sockets, window);
        // 128 MiB per socket: a keyframe fanned out to 5,000 viewers is ~60 MiB of skbs arriving at once; the kernel
        // only takes the memory while it holds packets.
        using var mux = new PeerMux(o.Viewers, o.Sockets, o.Handshakes, socketBufferBytes: 128 << 20) { Observer = book.OnPacket };
        var publishers = new List<SyntheticPublisher>();
        var connected = 0;
        var placement = new int[o.Viewers];
        Array.Fill(placement, -1);
        var joined = new bool[o.Viewers];
        await using var sampler = new Sampler(fleet, book, mux, () => Volatile.Read(ref connected));
        try
        {
            sampler.Phase = "publish";
            for (var p = 0; p < o.Publishers; p++)
            {
                var publisher = new SyntheticPublisher(p, o, window);
                publishers.Add(publisher);
                var ticket = await join.JoinAsync($"publisher{p}", publisher: true, p, publisher.CreateOffer(), token);
                await publisher.ConnectAsync(ticket, ConnectTimeout);
                publisher.Start();
            }
            var rssBefore = fleet.RssBytes();
            sampler.Start();

            // Ramp: viewer i starts at i / ramp seconds; joins in flight are bounded so the bridge's connect timeout
            // never runs out while a viewer waits for a handshake slot.
            sampler.Phase = "ramp";
            var rampStart = Stopwatch.GetTimestamp();
            var failures = 0;
            string? firstError = null;
            using var inFlight = new SemaphoreSlim(o.Handshakes * 2);
            var joins = new List<Task>(o.Viewers);
            var progress = Task.Run(() => RampProgressAsync(o, book, () => Volatile.Read(ref connected), () => Volatile.Read(ref failures), joins, token), token);
            for (var i = 0; i < o.Viewers; i++)
            {
                var due = rampStart + (long)(i / o.RampPerSecond * Stopwatch.Frequency);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, token);
                }
                var peer = mux.CreatePeer();
                var viewer = i;
                book.JoinStarted(viewer, Clock.UnixNanoseconds());
                joins.Add(Task.Run(async () =>
                {
                    await inFlight.WaitAsync(token);
                    try
                    {
                        var ticket = await join.JoinAsync($"viewer{viewer}", publisher: false, viewer, peer.CreateOffer(), token);
                        placement[viewer] = ticket.Bridge;
                        joined[viewer] = true;
                        await peer.ConnectAsync(ticket.Media, ticket.IceUfrag, ticket.IcePassword, ticket.Fingerprint, ConnectTimeout, token);
                        Interlocked.Increment(ref connected);
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref failures);
                        Interlocked.CompareExchange(ref firstError, $"viewer{viewer}: {e.GetType().Name}: {e.Message}", null);
                    }
                    finally
                    {
                        inFlight.Release();
                    }
                }, token));
            }
            await Task.WhenAll(joins);
            await progress;
            var rampSeconds = Stopwatch.GetElapsedTime(rampStart).TotalSeconds;
            await Task.Delay(Settle, token);

            // Steady state.
            sampler.Phase = "steady";
            window.Open();
            var atOpen = await sampler.TakeAsync(token);
            var windowClock = Stopwatch.StartNew();
            while (windowClock.Elapsed.TotalSeconds < o.DurationSeconds)
            {
                ProgressBar.Draw(windowClock.Elapsed.TotalSeconds / o.DurationSeconds, "steady", string.Create(CultureInfo.InvariantCulture,
                    $"{windowClock.Elapsed.TotalSeconds:0}/{o.DurationSeconds:0} s, {Volatile.Read(ref connected):N0} viewers, {book.PacketsReceived:N0} packets received, viewer socket drops {mux.KernelDrops:N0}"));
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, Math.Max(1, (o.DurationSeconds - windowClock.Elapsed.TotalSeconds) * 1000))), token);
            }
            window.Close();
            var atClose = await sampler.TakeAsync(token);
            sampler.Phase = "drain";
            foreach (var publisher in publishers)
            {
                publisher.Stop();
            }
            await Task.Delay(Drain, token);
            ProgressBar.Draw(1, "limit", "plain-UDP sendmmsg probe");
            var sizes = publishers[0].RecentDatagramSizes();
            var (limit, limitProblem) = await LimitProbe.RunAsync(o.LimitBinary, o.LimitSeconds, sizes, token);
            ProgressBar.Done();

            var (result, details) = Summarize(o, fleet, mode, book, publishers, mux, placement, joined, atOpen, atClose, rssBefore, limit, limitProblem, sizes,
                rampSeconds, Volatile.Read(ref connected), failures, firstError, join.ReportMarkdown());
            Console.Out.WriteLine(Report.Markdown(o, result, details));
            if (o.JsonPath is { } json)
            {
                await File.WriteAllTextAsync(json, result.ToJson(), token);
                Console.Out.WriteLine($"JSON: {json}");
            }
            if (o.ChartsDirectory is { } charts)
            {
                var series = sampler.Series();
                var title = string.Create(CultureInfo.InvariantCulture, $"{result.Viewers:N0} viewers, {result.Bridges} bridges");
                foreach (var path in Charts.Write(charts, book.Latency, series, (atOpen.Seconds, atClose.Seconds), details.ViewersPerBridge, title))
                {
                    Console.Out.WriteLine($"chart: {path}");
                }
            }
            return 0;
        }
        finally
        {
            foreach (var publisher in publishers)
            {
                publisher.Dispose();
            }
        }
    }

    private static async Task RampProgressAsync(HarnessOptions o, ViewerBook book, Func<int> connected, Func<int> failures, List<Task> joins, CancellationToken token)
    {
        while (true)
        {
            var done = connected() + failures();
            ProgressBar.Draw((double)done / o.Viewers, "ramp", string.Create(CultureInfo.InvariantCulture,
                $"{connected():N0} connected, {failures():N0} failed of {o.Viewers:N0}, {book.ViewersWithMedia:N0} with media"));
            if (done >= o.Viewers)
            {
                return;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), token);
        }
    }

    private static (HarnessResult Result, RunDetails Details) Summarize(
        HarnessOptions o, Fleet fleet, string mode, ViewerBook book, List<SyntheticPublisher> publishers, PeerMux mux, int[] placement, bool[] joined,
        FleetSnapshot atOpen, FleetSnapshot atClose, long? rssBefore, LimitResult? limit, string? limitProblem, IReadOnlyList<int> sizes,
        double rampSeconds, int connected, int failures, string? firstError, string? joinPathSection)
    {
        var seconds = Math.Max(1e-3, atClose.Seconds - atOpen.Seconds);
        var rates = Rates.Between(atOpen, atClose);

        // Loss: every viewer connected before the window should get every packet sent in it of every stream that
        // reaches viewers at all (all viewers have the same slots); a stream reaching none is not forwarded by design.
        var expected = new long[ViewerBook.MaxStreams];
        for (var p = 0; p < publishers.Count && (p * 2) + 1 < ViewerBook.MaxStreams; p++)
        {
            expected[p * 2] = publishers[p].AudioInWindow;
            expected[(p * 2) + 1] = publishers[p].VideoInWindow;
        }
        var delivered = Enumerable.Range(0, ViewerBook.MaxStreams).Where(s => Enumerable.Range(0, o.Viewers).Any(v => book.Received(v, s) > 0)).ToList();
        long want = 0;
        long got = 0;
        for (var v = 0; v < o.Viewers; v++)
        {
            if (!joined[v])
            {
                continue; // never joined: a join failure, reported as such
            }
            foreach (var s in delivered)
            {
                want += expected[s];
                got += Math.Min(expected[s], book.Received(v, s));
            }
        }
        var loss = want > 0 ? 1 - ((double)got / want) : 1;

        var latency = book.Latency;
        var joinTimes = book.JoinSeconds().Order().ToList();
        var jitter = book.JitterMilliseconds().Order().ToList();
        var cpu = atClose.CpuSeconds - atOpen.CpuSeconds;
        var cores = cpu / seconds;
        var ppsPerCore = cores is > 0 ? rates.EgressPps / cores : null;
        var rssPerViewer = atOpen.RssBytes - rssBefore is { } grown && connected > 0 ? (double?)grown / connected : null;
        var result = new HarnessResult(
            connected,
            fleet.Bridges.Count,
            publishers.Count,
            rates.EgressPps,
            rates.EgressMbps,
            loss,
            new LatencyMs(latency.Percentile(0.5) / 1000, latency.Percentile(0.9) / 1000, latency.Percentile(0.99) / 1000, latency.Max / 1000.0),
            new JoinSeconds(Percentile(joinTimes, 0.5), Percentile(joinTimes, 0.99)),
            cpu,
            rssPerViewer,
            limit?.PpsPerCpuSecond,
            ppsPerCore is { } ppc && limit is { PpsPerCpuSecond: > 0 } ? ppc / limit.PpsPerCpuSecond : null,
            ppsPerCore);
        var perBridge = fleet.Bridges.Select((b, i) => (b.Id, placement.Count(p => p == i))).ToList();
        var loops = atClose.Bridges.Max(b => b?.MediaLoops ?? 0);
        var details = new RunDetails(
            mode,
            $"{fleet.Shape}; {loops} media loop(s) per bridge",
            o.Viewers,
            connected,
            failures,
            firstError,
            book.ViewersWithMedia,
            rampSeconds,
            seconds,
            cores,
            atClose.ForwardCpuSeconds - atOpen.ForwardCpuSeconds is { } forward ? forward / seconds : null,
            rates.ViewerPps,
            book.Reordered(),
            jitter.Count > 0 ? jitter.Average() : 0,
            Percentile(jitter, 0.99),
            mux.KernelDrops,
            atClose.Dropped,
            string.Join(", ", atClose.DroppedByReason.Where(d => d.Value > 0).OrderByDescending(d => d.Value).Select(d => $"{d.Key} {d.Value:N0}")),
            publishers.Sum(p => p.Resyncs),
            publishers.Sum(p => p.Keyframes),
            publishers.Sum(p => p.KeyframeRequests),
            perBridge,
            publishers[0].Profile?.ToString(),
            limitProblem,
            limit,
            sizes,
            joinPathSection);
        return (result, details);
    }

    /// <summary>Nearest-rank percentile <paramref name="q"/> of <paramref name="sorted"/> (0 when empty).</summary>
    internal static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
}
