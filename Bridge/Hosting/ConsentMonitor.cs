using Bridge.Conferences;
using Microsoft.Extensions.Hosting;

namespace Bridge.Hosting;

/// <summary>Once a second, expires endpoints whose ICE never completed or whose consent checks stopped.</summary>
public sealed class ConsentMonitor(ConferenceManager conferences, TimeProvider time) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            conferences.ExpireStale();
        }
    }
}
