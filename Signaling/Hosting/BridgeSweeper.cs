using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Signaling.Bridges;

namespace Signaling.Hosting;

/// <summary>Every report interval takes bridges that stopped reporting out of selection and logs each with the conferences it was core for.</summary>
public sealed partial class BridgeSweeper(BridgeRegistry registry, IOptions<SignalingOptions> options, TimeProvider time, ILogger<BridgeSweeper> log) : BackgroundService
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
                foreach (var loss in registry.Sweep())
                {
                    LogOut(log, loss.BridgeId, options.Value.MissedReportsBeforeOut, loss.CoreConferences.Count == 0 ? "none" : string.Join(", ", loss.CoreConferences));
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
}
