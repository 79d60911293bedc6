using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Signaling.Federation;

namespace Signaling.Nodes;

/// <summary>
/// Publishes one stream's events in order and never drops one: a publish that fails while the bus is down is retried with
/// the same event (same idempotency key, so a publish that did land before the failure is not stored twice) until it
/// succeeds or the node stops.
/// </summary>
internal sealed partial class FederationOutbox : IAsyncDisposable
{
    private static readonly TimeSpan MinDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    private readonly IFederationBus _bus;
    private readonly ILogger _log;
    private readonly Channel<FederationEvent> _queue = Channel.CreateUnbounded<FederationEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _pending;
    private int _disposed;

    /// <summary>Starts publishing to <paramref name="stream"/> on <paramref name="bus"/>.</summary>
    public FederationOutbox(IFederationBus bus, string stream, ILogger log)
    {
        _bus = bus;
        Stream = stream;
        _log = log;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The stream this outbox publishes to.</summary>
    public string Stream { get; }

    /// <summary>Events queued and not yet stored.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    /// <summary>Queues <paramref name="e"/> behind every event queued before it.</summary>
    public void Enqueue(FederationEvent e)
    {
        Interlocked.Increment(ref _pending);
        _queue.Writer.TryWrite(e);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // Idempotent: the container disposes it once per service type it is registered under.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var e in _queue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                var delay = MinDelay;
                var failures = 0;
                while (true)
                {
                    try
                    {
                        await _bus.PublishAsync(Stream, e, _stop.Token).ConfigureAwait(false);
                        break;
                    }
                    catch (FederationUnavailableException ex)
                    {
                        if (failures++ == 0)
                        {
                            LogRetrying(_log, Stream, ex.Message);
                        }

                        await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
                        delay = TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, delay.Ticks * 2));
                    }
                }

                if (failures > 0)
                {
                    LogRecovered(_log, Stream, failures);
                }

                Interlocked.Decrement(ref _pending);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: what is still queued is lost with the process, as any in-memory state is.
        }
        catch (ObjectDisposedException)
        {
            // The bus was disposed first.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "federation stream {Stream}: publish failed ({Reason}); retrying until the bus is back")]
    private static partial void LogRetrying(ILogger logger, string stream, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "federation stream {Stream}: publishing again after {Failures} failed attempts")]
    private static partial void LogRecovered(ILogger logger, string stream, int failures);
}
