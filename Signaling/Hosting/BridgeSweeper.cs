using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Signaling.Bridges;
using Signaling.Clients;

namespace Signaling.Hosting;

/// <summary>
/// Every report interval takes bridges that stopped reporting out of selection, logs each with the conferences it was core for,
/// and lets <see cref="BridgeLossHandler"/> repair the rooms that used them (and the ones on failed bridges) and prune idle branches.
/// </summary>
public sealed partial class BridgeSweeper(BridgeRegistry registry, BridgeLossHandler losses, IOptions<SignalingOptions> options, TimeProvider time, ILogger<BridgeSweeper> log) : BackgroundService
{
    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ReportIntervalSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var swept = registry.Sweep();
                foreach (var loss in swept)
                {
                    LogOut(log, loss.BridgeId, options.Value.MissedReportsBeforeOut, loss.CoreConferences.Count == 0 ? "none" : string.Join(", ", loss.CoreConferences));
                }

                try
                {
                    await losses.TickAsync(swept, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A repair bug must not stop the sweep (nor, through the hosted service, the node); losses stay marked and are rescanned.
                    LogTickFailed(log, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "bridge {BridgeId} is out: silent for {Intervals} report intervals; core of conferences: {Conferences}")]
    private static partial void LogOut(ILogger logger, string bridgeId, int intervals, string conferences);

    [LoggerMessage(Level = LogLevel.Error, Message = "bridge loss repair failed this sweep")]
    private static partial void LogTickFailed(ILogger logger, Exception error);
}
