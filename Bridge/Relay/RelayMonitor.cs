using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using BridgeRelay.Link;

namespace Bridge.Relay;

/// <summary>
/// Every 100 ms: keepalives on every relay link, down/up detection (reported in logs, stats and
/// metrics so the control plane can re-parent), and every 500 ms fresh subscriptions and announcements
/// (they are idempotent, so a lost one is repaired by the next).
/// </summary>
public sealed class RelayMonitor(RelayManager relays, RelaySubscriptions subscriptions, TimeProvider time, ILogger<RelayMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);
    private readonly byte[] _keepalive = new byte[64];

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Tick, time);
        var ticks = 0L;
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var now = time.GetTimestamp();
            foreach (var link in relays.Links)
            {
                if (link.Health.ShouldSendKeepalive(now))
                {
                    var length = RelayControl.WriteKeepalive(_keepalive, (ulong)now);
                    link.Send(RelayKind.Control, 0, 0, 0, 0, _keepalive.AsSpan(0, length));
                }
                var wasDown = link.Health.State == RelayLinkState.Down;
                var down = link.Health.IsDown(now);
                if (down && !wasDown)
                {
                    RelayLog.LinkDown(logger, link.Id, link.PeerId, link.Health.DownAfter.TotalSeconds);
                }
                else if (!down && wasDown)
                {
                    RelayLog.LinkUp(logger, link.Id, link.PeerId, link.Health.SmoothedRtt.TotalMilliseconds);
                }
            }
            if (++ticks % 5 == 0)
            {
                subscriptions.SubscribeAll();
                subscriptions.AnnounceAll();
            }
        }
    }
}
