using System.Runtime.CompilerServices;

namespace Signaling.Federation;

/// <summary>
/// In-memory <see cref="IFederationBus"/> with the Redis bus's semantics (ids "ms-seq", bounded retention, gap
/// detection, idempotent publish), for a fleet running in one process and for tests. Thread-safe.
/// </summary>
public sealed class InProcessFederationBus : IFederationBus
{
    private const int ReadBatchSize = 256;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, StreamLog> _streams = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposed = new();
    private readonly TimeProvider _time;
    private readonly long _maxLength;
    private readonly TimeSpan _idempotencyWindow;
    private FederationLinkState _state = FederationLinkState.Connected;

    /// <summary>Creates a bus keeping about <paramref name="maxLength"/> events per stream and remembering idempotency keys for <paramref name="idempotencyWindow"/> (default 1 h).</summary>
    public InProcessFederationBus(
        long maxLength = FederationStreams.DefaultMaxLength, TimeSpan? idempotencyWindow = null, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        _maxLength = maxLength;
        _idempotencyWindow = idempotencyWindow ?? TimeSpan.FromHours(1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_idempotencyWindow, TimeSpan.Zero, nameof(idempotencyWindow));
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public FederationLinkState State => _state;

    /// <inheritdoc/>
    public event EventHandler<FederationLinkState>? StateChanged;

    /// <inheritdoc/>
    public Task<string> PublishAsync(string stream, FederationEvent e, CancellationToken cancellationToken = default)
    {
        FederationStreams.ValidateStreamName(stream);
        ArgumentNullException.ThrowIfNull(e);
        e.Validate();
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);

        TaskCompletionSource wake;
        string id;
        lock (_gate)
        {
            var log = GetLog(stream);
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            while (log.KeyExpiry.TryPeek(out var oldest) && oldest.ExpiresAt <= now)
            {
                log.KeyExpiry.Dequeue();
                log.Keys.Remove(oldest.Key);
            }

            if (log.Keys.TryGetValue(e.Key, out var existing))
            {
                return Task.FromResult(existing);
            }

            var next = log.LastId.Next((ulong)now);
            log.LastId = next;
            id = next.ToString();
            log.Entries.Add((next, e with { Id = id, Timestamp = FederationEvent.TruncateToMilliseconds(e.Timestamp) }));
            log.Keys[e.Key] = id;
            log.KeyExpiry.Enqueue((e.Key, now + (long)_idempotencyWindow.TotalMilliseconds));

            // Trim in chunks like XADD MAXLEN ~ so a full stream does not shift the list on every publish.
            var slack = _maxLength / 16;
            if (log.Entries.Count > _maxLength + slack)
            {
                log.Entries.RemoveRange(0, (int)(log.Entries.Count - _maxLength));
            }

            wake = log.Appended;
            log.Appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        wake.TrySetResult();
        return Task.FromResult(id);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<FederationEvent> SubscribeAsync(
        string stream, string? afterId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        FederationStreams.ValidateStreamName(stream);
        FederationEventId? position = afterId is null ? null : FederationEventId.ParseArgument(afterId, nameof(afterId));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        var batch = new List<FederationEvent>(ReadBatchSize);
        while (!stop.IsCancellationRequested)
        {
            Task appended;
            lock (_gate)
            {
                var log = GetLog(stream);
                FederationEventId? first = log.Entries.Count > 0 ? log.Entries[0].Id : null;
                FederationEventId? last = log.Entries.Count > 0 ? log.Entries[^1].Id : null;
                if (FederationStreams.IsGap(position, first, last))
                {
                    throw new FederationGapException(stream, position!.Value.ToString(), first?.ToString());
                }

                for (var i = IndexAfter(log.Entries, position); i < log.Entries.Count && batch.Count < ReadBatchSize; i++)
                {
                    batch.Add(log.Entries[i].Event);
                }

                appended = log.Appended.Task;
            }

            if (batch.Count == 0)
            {
                try
                {
                    await appended.WaitAsync(stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }

                continue;
            }

            foreach (var e in batch)
            {
                position = FederationEventId.ParseArgument(e.Id, nameof(afterId));
                yield return e;
                if (stop.IsCancellationRequested)
                {
                    yield break;
                }
            }

            batch.Clear();
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (!_disposed.IsCancellationRequested)
        {
            _disposed.Cancel();
            _state = FederationLinkState.Disconnected;
            StateChanged?.Invoke(this, _state);
        }

        return ValueTask.CompletedTask;
    }

    private StreamLog GetLog(string stream)
    {
        if (!_streams.TryGetValue(stream, out var log))
        {
            log = new StreamLog();
            _streams.Add(stream, log);
        }

        return log;
    }

    // Entries are sorted by id, so the resume point is found by binary search.
    private static int IndexAfter(List<(FederationEventId Id, FederationEvent Event)> entries, FederationEventId? position)
    {
        if (position is not { } p)
        {
            return 0;
        }

        int lo = 0, hi = entries.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (entries[mid].Id <= p)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private sealed class StreamLog
    {
        public List<(FederationEventId Id, FederationEvent Event)> Entries { get; } = [];

        public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

        public Queue<(string Key, long ExpiresAt)> KeyExpiry { get; } = new();

        public FederationEventId LastId { get; set; }

        public TaskCompletionSource Appended { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
