using Microsoft.Extensions.Hosting;

namespace Signaling.Features;

/// <summary>A feature that batches its pushes: <see cref="Flush"/> runs every <paramref name="interval"/> until the node stops.</summary>
internal abstract class PeriodicFlushService(TimeSpan interval, TimeProvider time) : BackgroundService
{
    /// <summary>Sends what was batched since the last call (also called directly by tests).</summary>
    internal abstract void Flush();

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                Flush();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is batched goes with the process; clients and nodes get state again from a restarted main.
        }
    }
}
