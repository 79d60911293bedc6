using System.Text.Json;
using Microsoft.Extensions.Logging;
using Signaling.Clients;
using Signaling.Federation;
using Signaling.Hosting;
using Signaling.Protocol;

namespace Signaling.Nodes;

/// <summary>
/// The main node's side of <see cref="IRoomSync"/>: every stage change, visitor total and lost bridge goes to every
/// configured visitor node, one ordered outbox per node stream (<c>fed:main->vN</c>). A node that holds none of a room's
/// visitors ignores the room's events; sending to every node keeps main free of per-room subscription state.
/// </summary>
internal sealed class MainRoomSync : IRoomSync, IAsyncDisposable
{
    private readonly FederationOutbox[] _outboxes;
    private readonly string _nodeId;
    private readonly TimeProvider _time;
    private readonly SignalingMetrics _metrics;

    /// <summary>Opens an outbox to each of <paramref name="options"/>' visitor nodes on <paramref name="bus"/>.</summary>
    public MainRoomSync(IFederationBus bus, SignalingOptions options, SignalingMetrics metrics, TimeProvider time, ILogger<MainRoomSync> log)
    {
        _nodeId = options.NodeId;
        _time = time;
        _metrics = metrics;
        Epoch = time.GetUtcNow().ToUnixTimeMilliseconds();
        _outboxes = [.. options.VisitorNodes.Select(n => new FederationOutbox(bus, FederationStreams.Name(options.NodeId, n.Id), log))];
    }

    /// <inheritdoc/>
    public bool Remote => false;

    /// <inheritdoc/>
    public long Epoch { get; }

    /// <summary>Events queued for the visitor nodes and not yet stored on the bus.</summary>
    public long Pending => _outboxes.Sum(o => o.Pending);

    /// <inheritdoc/>
    public void StageChanged(Room room, RoomVersion version, StageMessage stage) =>
        Publish(room.Name.ToString(), FederationTypes.Stage,
            JsonSerializer.Serialize(new StagePayload(version.Epoch, version.Seq, stage.Participants), FederationJson.Default.StagePayload));

    /// <inheritdoc/>
    public void VisitorsChanged(Room room, RoomVersion version, int count, IReadOnlyDictionary<string, int> bridges) =>
        Publish(room.Name.ToString(), FederationTypes.Visitors,
            JsonSerializer.Serialize(new VisitorsPayload(version.Epoch, version.Seq, count), FederationJson.Default.VisitorsPayload));

    /// <summary>Tells every visitor node that <paramref name="bridgeId"/> is lost, so they move their visitors on it.</summary>
    public void BridgeLost(string bridgeId) =>
        Publish(FederationTypes.AnyRoom, FederationTypes.BridgeLost,
            JsonSerializer.Serialize(new BridgeLostPayload(bridgeId), FederationJson.Default.BridgeLostPayload));

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var outbox in _outboxes)
        {
            await outbox.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Queues one event of <paramref name="type"/> for every visitor node, behind those queued before it.</summary>
    public void Publish(string room, string type, string payload)
    {
        foreach (var outbox in _outboxes)
        {
            // One event per stream: each stream keeps its own idempotency keys.
            outbox.Enqueue(FederationEvent.Create(room, type, payload, _nodeId, _time));
            _metrics.CountFederationEvent("out", type);
        }
    }
}
