using System.Diagnostics;
using Bridge.Api;
using Bridge.Client;

namespace LoadHarness;

/// <summary>Takes a <see cref="FleetSnapshot"/> every second in the background (the time series of the charts) and on demand.</summary>
public sealed class Sampler : IAsyncDisposable
{
    private readonly Fleet _fleet;
    private readonly ViewerBook _book;
    private readonly PeerMux _mux;
    private readonly Func<int> _connected;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<FleetSnapshot> _series = [];
    private Task? _loop;

    /// <summary>Samples <paramref name="fleet"/> and the viewers.</summary>
    public Sampler(Fleet fleet, ViewerBook book, PeerMux mux, Func<int> connected)
    {
        _fleet = fleet;
        _book = book;
        _mux = mux;
        _connected = connected;
    }

    /// <summary>The phase recorded with the next samples ("publish", "ramp", "steady", "drain").</summary>
    public string Phase { get; set; } = "start";

    /// <summary>Seconds since the sampler was created.</summary>
    public double Elapsed => _clock.Elapsed.TotalSeconds;

    /// <summary>The newest background sample, if any.</summary>
    public FleetSnapshot? Latest
    {
        get
        {
            lock (_series)
            {
                return _series.Count > 0 ? _series[^1] : null;
            }
        }
    }

    /// <summary>Rates between consecutive background samples.</summary>
    public IReadOnlyList<Rates> Series()
    {
        lock (_series)
        {
            return _series.Zip(_series.Skip(1), Rates.Between).ToList();
        }
    }

    /// <summary>Starts sampling every second.</summary>
    public void Start() => _loop = Task.Run(LoopAsync);

    /// <summary>Takes one snapshot now (bridges that do not answer within 5 s count as null).</summary>
    public async Task<FleetSnapshot> TakeAsync(CancellationToken token)
    {
        var stats = await Task.WhenAll(_fleet.Bridges.Select(b => TryStatsAsync(b, token)));
        return new FleetSnapshot(
            _clock.Elapsed.TotalSeconds,
            Phase,
            stats,
            _fleet.CpuSeconds(),
            _fleet.ForwardThreadCpuSeconds(),
            _fleet.RssBytes(),
            _connected(),
            _book.PacketsReceived,
            _mux.KernelDrops);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            var snapshot = await TakeAsync(token);
            lock (_series)
            {
                _series.Add(snapshot);
            }
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<BridgeStats?> TryStatsAsync(BridgeApi api, CancellationToken token)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            return await api.GetStatsAsync(timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
