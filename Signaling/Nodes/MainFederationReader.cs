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
/// Reads every visitor node's stream to main (<c>fed:vN->main</c>): heartbeats feed <see cref="VisitorNodeSelector"/>,
/// per-room visitor counts feed the rooms' totals and keep a room in use while a node holds visitors of it. A node
/// silent past <see cref="VisitorNodeOptions.StaleAfter"/> has its counts dropped until it reports again.
/// </summary>
internal sealed partial class MainFederationReader(
    IFederationBus bus,
    RoomRegistry rooms,
    VisitorNodeSelector nodes,
    SignalingOptions options,
    SignalingMetrics metrics,
    TimeProvider time,
    IEnumerable<IFederationFeature> features,
    ILogger<MainFederationReader> log) : BackgroundService
{
    /// <summary>How long a placement keeps a room in use for a node whose visitor has not been counted yet.</summary>
    private static readonly TimeSpan ReservationTtl = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private readonly HashSet<string> _staleNodes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _differingNodes = new(StringComparer.Ordinal);
    private readonly string _settings = Tenants.FleetSettingsDigest.Of(options);

    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(options.VisitorNodes.Select(n => ReadAsync(n.Id, stoppingToken)).Append(SweepAsync(stoppingToken)));

    private async Task ReadAsync(string node, CancellationToken cancel)
    {
        var stream = FederationStreams.Name(node, options.NodeId);
        string? after = null;
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                await foreach (var e in bus.SubscribeAsync(stream, after, cancel).ConfigureAwait(false))
                {
                    after = e.Id;
                    Handle(node, e);
                }
            }
            catch (FederationGapException ex)
            {
                // Counts are absolute, so reading what is left from the start converges on the node's current figures.
                LogGap(log, stream, ex.Message);
                after = null;
            }
        }
    }

    private void Handle(string node, FederationEvent e)
    {
        metrics.CountFederationEvent("in", e.Type);
        try
        {
            switch (e.Type)
            {
                case FederationTypes.Load:
                    var load = JsonSerializer.Deserialize(e.Payload, FederationJson.Default.LoadPayload) ?? throw new JsonException("null");
                    OnLoad(node, load);
                    break;
                case FederationTypes.Visitors:
                    var count = JsonSerializer.Deserialize(e.Payload, FederationJson.Default.NodeVisitorsPayload) ?? throw new JsonException("null");
                    if (!RoomName.TryParse(e.Room, out var name, out var error))
                    {
                        throw new JsonException(error);
                    }

                    SetNodeVisitors(name, node, Math.Max(0, count.Count), count.Bridges);
                    break;
                default:
                    if (!features.Any(f => f.TryHandle(node, e)))
                    {
                        LogUnknown(log, node, e.Type);
                    }

                    break;
            }
        }
        catch (JsonException ex)
        {
            // A node of another version or a corrupted entry: skip it, the next absolute figures repair the state.
            metrics.CountFederationEvent("bad", e.Type);
            LogBadEvent(log, node, e.Type, ex.Message);
        }
    }

    private void OnLoad(string node, LoadPayload load)
    {
        try
        {
            nodes.Confirm(node, Math.Max(0, load.Arrived));
        }
        catch (AssignmentException)
        {
            // First heartbeat of this node: Report registers it.
        }

        nodes.Report(node, Math.Max(0, load.Visitors));
        metrics.SetNodeVisitors(node, load.Visitors);
        CompareSettings(node, load.Settings);
        lock (_lock)
        {
            if (_staleNodes.Remove(node))
            {
                LogNodeBack(log, node);
            }
        }
    }

    /// <summary>Flags a node whose tenants or admission defaults differ from main's: once in the log, and as a gauge while they do.</summary>
    private void CompareSettings(string node, string? settings)
    {
        if (settings is null)
        {
            // A node of an older release does not say.
            return;
        }

        var differs = !string.Equals(settings, _settings, StringComparison.Ordinal);
        metrics.SetNodeSettingsDiffer(node, differs);
        bool changed;
        lock (_lock)
        {
            changed = differs ? _differingNodes.Add(node) : _differingNodes.Remove(node);
        }

        if (changed && differs)
        {
            LogSettingsDiffer(log, node);
        }
        else if (changed)
        {
            LogSettingsAgree(log, node);
        }
    }

    private void SetNodeVisitors(RoomName name, string node, int count, Dictionary<string, int>? bridges = null)
    {
        // Enter for the call, then keep exactly one reference per node that holds visitors of the room.
        var room = rooms.Enter(name);
        var (before, after) = room.SetNodeVisitors(node, count, bridges);
        if (before || !after)
        {
            rooms.Exit(room);
        }

        if (before && !after)
        {
            rooms.Exit(room);
        }
    }

    private async Task SweepAsync(CancellationToken cancel)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5), time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancel).ConfigureAwait(false))
            {
                foreach (var room in rooms.Snapshot())
                {
                    for (var i = room.ExpireReservations(ReservationTtl); i > 0; i--)
                    {
                        rooms.Exit(room);
                    }
                }

                foreach (var stale in nodes.Snapshot().Where(n => n.Stale))
                {
                    lock (_lock)
                    {
                        if (!_staleNodes.Add(stale.NodeId))
                        {
                            continue;
                        }
                    }

                    LogNodeStale(log, stale.NodeId, nodes.Options.StaleAfter.TotalSeconds);
                    metrics.SetNodeVisitors(stale.NodeId, 0);
                    foreach (var room in rooms.Snapshot())
                    {
                        SetNodeVisitors(room.Name, stale.NodeId, 0);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "federation stream {Stream} lost events ({Reason}); re-reading from its oldest entry")]
    private static partial void LogGap(ILogger logger, string stream, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "visitor node {Node} sent an event of unknown type {Type}; ignored")]
    private static partial void LogUnknown(ILogger logger, string node, string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "visitor node {Node} sent a malformed {Type} event ({Reason}); ignored")]
    private static partial void LogBadEvent(ILogger logger, string node, string type, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "visitor node {Node} is silent for {Seconds} s: no redirects to it and its visitors are no longer counted until it reports again")]
    private static partial void LogNodeStale(ILogger logger, string node, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "visitor node {Node} holds other tenant or admission settings than main (Signaling:Tenants, MaxParticipants, VisitorsEnabled, LiveRoom, MaxPromoted, AutoPromote): join tokens may be judged differently there; give every node the same")]
    private static partial void LogSettingsDiffer(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "visitor node {Node} now holds the same tenant and admission settings as main")]
    private static partial void LogSettingsAgree(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "visitor node {Node} reports again")]
    private static partial void LogNodeBack(ILogger logger, string node);
}
