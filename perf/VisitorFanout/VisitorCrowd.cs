using System.Diagnostics;
using System.Net.WebSockets;

namespace VisitorFanout;

/// <summary>The simulated visitors in this process: joined with bounded concurrency, pinged, timed, made to react.</summary>
public sealed class VisitorCrowd : ICrowd
{
    /// <summary>Bound of one join (main, redirect, node).</summary>
    private static readonly TimeSpan JoinBound = TimeSpan.FromSeconds(60);

    private static readonly byte[][] ReactionFrames =
    [
        .. new[] { "👍", "🎉", "❤️", "👏" }.Select(e => System.Text.Encoding.UTF8.GetBytes($$"""{"v":1,"type":"reaction.send","emoji":"{{e}}"}""")),
    ];

    private readonly Uri _mainWs;
    private readonly string _room;
    private readonly FanoutOptions _options;
    private readonly List<Visitor> _joined = [];
    private readonly HttpMessageInvoker _invoker = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(30) });
    private readonly PingRounds _pings;

    /// <summary>Visitors of <paramref name="room"/> joining at main's <paramref name="mainWs"/>, as many as <paramref name="options"/> say.</summary>
    public VisitorCrowd(Uri mainWs, string room, FanoutOptions options)
    {
        _mainWs = mainWs;
        _room = room;
        _options = options;
        _pings = new PingRounds(Snapshot, new SemaphoreSlim(1, 1));
    }

    /// <inheritdoc/>
    public async Task<RampResult> RampAsync()
    {
        var failed = 0;
        string? firstError = null;
        var watch = Stopwatch.StartNew();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(_options.RampTimeoutSeconds));
        using var progress = new Timer(_ => Console.Error.WriteLine($"VisitorFanout: {Snapshot().Count:N0} joined, {Volatile.Read(ref failed)} failed, {watch.Elapsed.TotalSeconds:F0} s"),
            null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(1, _options.Visitors),
                new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = bound.Token },
                async (i, token) =>
                {
                    using var one = CancellationTokenSource.CreateLinkedTokenSource(token);
                    one.CancelAfter(JoinBound);
                    try
                    {
                        var visitor = await Visitor.JoinAsync(_mainWs, _invoker, _room, $"Visitor {i}", visitor: true, one.Token);
                        lock (_joined)
                        {
                            _joined.Add(visitor);
                        }
                    }
                    catch (Exception e) when (e is JoinFailedException or WebSocketException or HttpRequestException or OperationCanceledException
                                                  or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
                    {
                        if (Interlocked.Increment(ref failed) == 1)
                        {
                            firstError = $"{e.GetType().Name}: {e.Message}";
                        }

                        if (token.IsCancellationRequested)
                        {
                            throw;
                        }
                    }
                });
        }
        catch (OperationCanceledException)
        {
            firstError ??= $"the ramp did not end within {_options.RampTimeoutSeconds} s";
        }

        var all = Snapshot();
        var missing = _options.Visitors - all.Count;
        return new RampResult(all.Count, missing, firstError, watch.Elapsed.TotalSeconds,
            all.GroupBy(v => v.Node).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()));
    }

    /// <inheritdoc/>
    public async Task<ChatResult> AwaitChatAsync(long sentTicks)
    {
        var all = Snapshot();
        var deadline = Stopwatch.GetTimestamp() + (long)(_options.ChatTimeoutSeconds * Stopwatch.Frequency);
        while (all.Any(v => v.Chats == 0) && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(50);
        }

        // A second copy would come right behind the first: wait a little for it before counting.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var delays = all.Where(v => v.FirstChatTicks != 0)
            .Select(v => (v.FirstChatTicks - sentTicks) * 1000.0 / Stopwatch.Frequency)
            .Order()
            .ToArray();
        return new ChatResult(all.Count, delays.Length, all.Sum(v => Math.Max(0, v.Chats - 1)),
            Percentile(delays, 0.50), Percentile(delays, 0.90), Percentile(delays, 0.99), delays.Length == 0 ? 0 : delays[^1]);
    }

    /// <inheritdoc/>
    public async Task<StormResult> StormAsync(double settleSeconds)
    {
        var all = Snapshot();
        var pushesBefore = all.Sum(v => (long)v.Pushes);
        var countedBefore = all.Sum(v => v.Counted);
        var reachedBefore = all.Select(v => v.Pushes).ToArray();
        long sent = 0;
        long failures = 0;
        var watch = Stopwatch.StartNew();
        if (_options.Reactions > 0)
        {
            var interval = _options.StormSeconds / _options.Reactions;
            // Bounded: a round that overruns its slot is still the last one to start once the storm's bound has passed.
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(_options.StormSeconds + 60));
            await _pings.Gate.WaitAsync();
            try
            {
                for (var round = 0; round < _options.Reactions && !bound.IsCancellationRequested; round++)
                {
                    var due = TimeSpan.FromSeconds(round * interval) - watch.Elapsed;
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due);
                    }

                    var frame = ReactionFrames[round % ReactionFrames.Length];
                    foreach (var visitor in all)
                    {
                        try
                        {
                            await visitor.SendAsync(frame, bound.Token);
                            sent++;
                        }
                        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
                        {
                            failures++;
                        }
                    }
                }
            }
            finally
            {
                _pings.Gate.Release();
            }
        }

        var sending = watch.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(settleSeconds));
        var reached = all.Where((v, i) => v.Pushes > reachedBefore[i]).Count();
        return new StormResult(sent, failures, all.Sum(v => (long)v.Pushes) - pushesBefore, all.Sum(v => v.Counted) - countedBefore,
            reached, all.Count(v => v.Chats == 1), all.Count(v => v.Lost), sending);
    }

    /// <summary>Stops the pings and closes every socket, 64 at a time.</summary>
    public async ValueTask DisposeAsync()
    {
        await _pings.DisposeAsync();
        await Parallel.ForEachAsync(Snapshot(), new ParallelOptions { MaxDegreeOfParallelism = 64 }, (v, _) => v.DisposeAsync());
        _pings.Gate.Dispose();
        _invoker.Dispose();
    }

    /// <summary>Nearest-rank percentile of sorted values; 0 for none.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        return sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private List<Visitor> Snapshot()
    {
        lock (_joined)
        {
            return [.. _joined];
        }
    }
}
