using System.Globalization;
using System.Runtime.CompilerServices;
using StackExchange.Redis;

namespace Signaling.Federation;

/// <summary>
/// <see cref="IFederationBus"/> over Redis Streams (Redis 7.0+): publish is an atomic Lua script doing an idempotent
/// XADD MAXLEN ~; subscribe polls an atomic Lua read (XRANGE after the last yielded id plus the stream's first and
/// last ids for gap detection). StackExchange.Redis multiplexes every command on one socket and offers no blocking
/// XREAD, so an idle stream is polled every <see cref="RedisFederationBusOptions.PollInterval"/>. See docs/federation-bus.md.
/// </summary>
public sealed class RedisFederationBus : IFederationBus
{
    // KEYS[1] stream, KEYS[2] idempotency key. ARGV: maxlen, key, room, type, payload, origin, unix ms, window ms.
    // Atomic in Redis, so a retried publish whose first attempt was applied (reply lost) returns the first id.
    private const string PublishScript = """
        local existing = redis.call('GET', KEYS[2])
        if existing then return existing end
        local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*',
            'k', ARGV[2], 'r', ARGV[3], 't', ARGV[4], 'p', ARGV[5], 'o', ARGV[6], 'ts', ARGV[7])
        redis.call('SET', KEYS[2], id, 'PX', ARGV[8])
        return id
        """;

    // KEYS[1] stream. ARGV: start ('-' or '(' .. last id), count. Returns {first id, last id, entries}; reading the
    // bounds in the same script as the entries means no trim can slip between the gap check and the read.
    private const string ReadScript = """
        local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
        local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
        local entries = redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', ARGV[2])
        return { first[1] and first[1][1] or '', last[1] and last[1][1] or '', entries }
        """;

    private readonly ConnectionMultiplexer _redis;
    private readonly IDatabase _db;
    private readonly RedisFederationBusOptions _options;
    private readonly CancellationTokenSource _disposed = new();
    private int _state;

    private RedisFederationBus(ConnectionMultiplexer redis, RedisFederationBusOptions options)
    {
        _redis = redis;
        _db = redis.GetDatabase();
        _options = options;
        _state = (int)(redis.IsConnected ? FederationLinkState.Connected : FederationLinkState.Disconnected);
        redis.ConnectionFailed += (_, _) => SetState(FederationLinkState.Disconnected);
        redis.ConnectionRestored += (_, _) =>
        {
            if (redis.IsConnected)
            {
                SetState(FederationLinkState.Connected);
            }
        };
    }

    /// <inheritdoc/>
    public FederationLinkState State => (FederationLinkState)Volatile.Read(ref _state);

    /// <inheritdoc/>
    public event EventHandler<FederationLinkState>? StateChanged;

    /// <summary>
    /// Validates <paramref name="options"/> and creates the bus. Succeeds while Redis is down (the client keeps
    /// reconnecting in the background with exponential backoff, and commands fail fast meanwhile).
    /// </summary>
    public static async Task<RedisFederationBus> ConnectAsync(RedisFederationBusOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        var config = ConfigurationOptions.Parse(options.ConnectionString);
        config.AbortOnConnectFail = false;
        config.BacklogPolicy = BacklogPolicy.FailFast;
        config.ReconnectRetryPolicy = new ExponentialRetry(
            (int)options.ReconnectMinDelay.TotalMilliseconds, (int)options.ReconnectMaxDelay.TotalMilliseconds);
        var redis = await ConnectionMultiplexer.ConnectAsync(config).WaitAsync(cancellationToken).ConfigureAwait(false);
        return new RedisFederationBus(redis, options);
    }

    /// <inheritdoc/>
    public async Task<string> PublishAsync(string stream, FederationEvent e, CancellationToken cancellationToken = default)
    {
        FederationStreams.ValidateStreamName(stream);
        ArgumentNullException.ThrowIfNull(e);
        e.Validate();
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        RedisResult result;
        try
        {
            result = await _db.ScriptEvaluateAsync(
                PublishScript,
                [stream, $"{stream}:idem:{e.Key}"],
                [
                    _options.MaxStreamLength, e.Key, e.Room, e.Type, e.Payload, e.Origin,
                    e.Timestamp.ToUnixTimeMilliseconds(), (long)_options.IdempotencyWindow.TotalMilliseconds,
                ]).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            SetState(FederationLinkState.Disconnected);
            throw new FederationUnavailableException($"Publishing to '{stream}' failed; retrying the same event is safe.", ex);
        }

        SetState(FederationLinkState.Connected);
        return result.ToString();
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<FederationEvent> SubscribeAsync(
        string stream, string? afterId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        FederationStreams.ValidateStreamName(stream);
        FederationEventId? position = afterId is null ? null : FederationEventId.ParseArgument(afterId, nameof(afterId));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        var retryDelay = _options.ReconnectMinDelay;
        while (!stop.IsCancellationRequested)
        {
            var batch = await TryReadAsync(stream, position, stop.Token).ConfigureAwait(false);
            if (batch is null)
            {
                // Transient failure: back off, then read again strictly after the last yielded id.
                if (!await DelayAsync(retryDelay, stop.Token).ConfigureAwait(false))
                {
                    yield break;
                }

                retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, _options.ReconnectMaxDelay.Ticks));
                continue;
            }

            retryDelay = _options.ReconnectMinDelay;
            if (FederationStreams.IsGap(position, batch.First, batch.Last))
            {
                throw new FederationGapException(stream, position!.Value.ToString(), batch.First?.ToString());
            }

            foreach (var (id, e) in batch.Entries)
            {
                position = id;
                if (e is not null)
                {
                    yield return e;
                }

                if (stop.IsCancellationRequested)
                {
                    yield break;
                }
            }

            if (batch.Entries.Count < _options.ReadBatchSize && !await DelayAsync(_options.PollInterval, stop.Token).ConfigureAwait(false))
            {
                yield break;
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        await _disposed.CancelAsync().ConfigureAwait(false);
        await _redis.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
        await _redis.DisposeAsync().ConfigureAwait(false);
        SetState(FederationLinkState.Disconnected);
    }

    private async Task<ReadBatch?> TryReadAsync(string stream, FederationEventId? position, CancellationToken cancellationToken)
    {
        RedisResult result;
        try
        {
            result = await _db.ScriptEvaluateAsync(
                ReadScript,
                [stream],
                [position is { } p ? $"({p}" : "-", _options.ReadBatchSize]).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            SetState(FederationLinkState.Disconnected);
            return null;
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        SetState(FederationLinkState.Connected);
        var parts = (RedisResult[])result!;
        var entries = new List<(FederationEventId, FederationEvent?)>();
        foreach (var entry in (RedisResult[])parts[2]!)
        {
            var pair = (RedisResult[])entry!;
            var id = FederationEventId.ParseArgument(pair[0].ToString(), nameof(stream));
            entries.Add((id, ParseEntry(id, (RedisResult[])pair[1]!)));
        }

        return new ReadBatch(ParseBound(parts[0]), ParseBound(parts[1]), entries);
    }

    // A stream entry written by something other than this bus lacks fields: it is skipped (returned as null) but
    // still advances the position, so one foreign entry cannot wedge the subscription.
    private static FederationEvent? ParseEntry(FederationEventId id, RedisResult[] fields)
    {
        string? key = null, room = null, type = null, payload = null, origin = null, ts = null;
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            var value = fields[i + 1].ToString();
            switch (fields[i].ToString())
            {
                case "k": key = value; break;
                case "r": room = value; break;
                case "t": type = value; break;
                case "p": payload = value; break;
                case "o": origin = value; break;
                case "ts": ts = value; break;
            }
        }

        if (key is null || room is null || type is null || payload is null || origin is null
            || !long.TryParse(ts, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            || ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return null;
        }

        return new FederationEvent(id.ToString(), key, room, type, payload, origin, DateTimeOffset.FromUnixTimeMilliseconds(ms));
    }

    private static FederationEventId? ParseBound(RedisResult r) =>
        FederationEventId.TryParse(r.ToString(), out var id) ? id : null;

    // Errors that a reconnect or a restarted server cures; anything else (e.g. WRONGTYPE) is a bug and propagates.
    private static bool IsTransient(Exception ex) => ex switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException s => s.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || s.Message.StartsWith("BUSY", StringComparison.Ordinal)
            || s.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
            || s.Message.StartsWith("READONLY", StringComparison.Ordinal)
            || s.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal),
        _ => false,
    };

    private static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void SetState(FederationLinkState state)
    {
        if (Interlocked.Exchange(ref _state, (int)state) != (int)state)
        {
            StateChanged?.Invoke(this, state);
        }
    }

    private sealed record ReadBatch(
        FederationEventId? First, FederationEventId? Last, List<(FederationEventId Id, FederationEvent? Event)> Entries);
}
