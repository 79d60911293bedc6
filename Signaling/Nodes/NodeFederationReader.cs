using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Signaling.Assignment;
using Signaling.Clients;
using Signaling.Federation;
using Signaling.Features;
using Signaling.Hosting;

namespace Signaling.Nodes;

/// <summary>
/// A visitor node's link to main: reads <c>fed:main->vN</c> (stage and visitor totals of the rooms this node holds, lost
/// bridges) and sends a heartbeat with the node's load every <see cref="HeartbeatInterval"/>. Events are applied only
/// when newer than what a room holds (<see cref="RoomVersion"/>), so a stream re-read after a cut or a gap pushes every
/// change to the visitors exactly once.
/// </summary>
internal sealed partial class NodeFederationReader(
    IFederationBus bus,
    RoomRegistry rooms,
    NodeRoomSync sync,
    SignalingOptions options,
    SignalingMetrics metrics,
    TimeProvider time,
    IEnumerable<IFederationFeature> features,
    ILogger<NodeFederationReader> log) : BackgroundService
{
    /// <summary>How often the node tells main its load (main counts a node silent for 5 intervals as gone).</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(2);

    /// <summary>Raised for every <c>bridge-lost</c> event with the bridge id; the node moves its visitors on that bridge.</summary>
    public event Func<string, Task>? BridgeLost;

    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ReadAsync(stoppingToken), HeartbeatAsync(stoppingToken));

    private async Task ReadAsync(CancellationToken cancel)
    {
        var stream = FederationStreams.Name(SignalingOptions.MainRole, options.NodeId);
        string? after = null;
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                await foreach (var e in bus.SubscribeAsync(stream, after, cancel).ConfigureAwait(false))
                {
                    after = e.Id;
                    await HandleAsync(e).ConfigureAwait(false);
                }
            }
            catch (FederationGapException ex)
            {
                // Stage and totals are whole snapshots with versions: re-reading what is left converges on main's state.
                LogGap(log, stream, ex.Message);
                after = null;
            }
        }
    }

    private async Task HandleAsync(FederationEvent e)
    {
        metrics.CountFederationEvent("in", e.Type);
        try
        {
            switch (e.Type)
            {
                case FederationTypes.Stage:
                    var stage = JsonSerializer.Deserialize(e.Payload, FederationJson.Default.StagePayload) ?? throw new JsonException("null");
                    FindRoom(e.Room)?.ApplyStage(new RoomVersion(stage.Epoch, stage.Seq), stage.Participants ?? []);
                    break;
                case FederationTypes.Visitors:
                    var total = JsonSerializer.Deserialize(e.Payload, FederationJson.Default.VisitorsPayload) ?? throw new JsonException("null");
                    FindRoom(e.Room)?.ApplyVisitors(new RoomVersion(total.Epoch, total.Seq), Math.Max(0, total.Count));
                    break;
                case FederationTypes.BridgeLost:
                    var lost = JsonSerializer.Deserialize(e.Payload, FederationJson.Default.BridgeLostPayload) ?? throw new JsonException("null");
                    if (BridgeLost is { } handler)
                    {
                        await handler(lost.BridgeId).ConfigureAwait(false);
                    }

                    break;
                default:
                    if (!features.Any(f => f.TryHandle(SignalingOptions.MainRole, e)))
                    {
                        LogUnknown(log, e.Type);
                    }

                    break;
            }
        }
        catch (JsonException ex)
        {
            metrics.CountFederationEvent("bad", e.Type);
            LogBadEvent(log, e.Type, ex.Message);
        }
    }

    private Room? FindRoom(string room) => RoomName.TryParse(room, out var name, out _) ? rooms.Find(name) : null;

    private async Task HeartbeatAsync(CancellationToken cancel)
    {
        using var timer = new PeriodicTimer(HeartbeatInterval, time);
        var stream = sync.Stream;
        var settings = Tenants.FleetSettingsDigest.Of(options);
        do
        {
            var arrived = sync.TakeArrivals();
            var load = new LoadPayload(metrics.LocalVisitors, arrived, settings);
            try
            {
                // Not through the outbox: a heartbeat is absolute and periodic, so one lost while the bus is down needs no retry.
                await bus.PublishAsync(stream, FederationEvent.Create(FederationTypes.AnyRoom, FederationTypes.Load,
                    JsonSerializer.Serialize(load, FederationJson.Default.LoadPayload), options.NodeId, time), cancel).ConfigureAwait(false);
                metrics.CountFederationEvent("out", FederationTypes.Load);
            }
            catch (FederationUnavailableException)
            {
                // Arrivals are still owed to main's in-flight bookkeeping: hand them to the next heartbeat.
                sync.CountArrivals(arrived);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return;
            }
        }
        while (await WaitAsync(timer, cancel).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancel)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "federation stream {Stream} lost events ({Reason}); re-reading from its oldest entry")]
    private static partial void LogGap(ILogger logger, string stream, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "main sent an event of unknown type {Type}; ignored")]
    private static partial void LogUnknown(ILogger logger, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "main sent a malformed {Type} event ({Reason}); ignored")]
    private static partial void LogBadEvent(ILogger logger, string type, string reason);
}
