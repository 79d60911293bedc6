using System.Text.Json;
using Microsoft.Extensions.Logging;
using Signaling.Clients;
using Signaling.Federation;
using Signaling.Hosting;
using Signaling.Protocol;

namespace Signaling.Nodes;

/// <summary>
/// A visitor node's side of <see cref="IRoomSync"/>: rooms take their stage and visitor total from main, and this node's
/// visitor count per room goes to main through the ordered outbox of <c>fed:vN->main</c>.
/// </summary>
internal sealed class NodeRoomSync : IRoomSync, IAsyncDisposable
{
    private readonly FederationOutbox _outbox;
    private readonly string _nodeId;
    private readonly TimeProvider _time;
    private readonly SignalingMetrics _metrics;
    private int _arrived;

    /// <summary>Opens the outbox to main on <paramref name="bus"/>.</summary>
    public NodeRoomSync(IFederationBus bus, SignalingOptions options, SignalingMetrics metrics, TimeProvider time, ILogger<NodeRoomSync> log)
    {
        _nodeId = options.NodeId;
        _time = time;
        _metrics = metrics;
        Stream = FederationStreams.Name(options.NodeId, SignalingOptions.MainRole);
        _outbox = new FederationOutbox(bus, Stream, log);
    }

    /// <summary>The stream to main.</summary>
    public string Stream { get; }

    /// <inheritdoc/>
    public bool Remote => true;

    /// <inheritdoc/>
    public long Epoch => 0;

    /// <inheritdoc/>
    public void StageChanged(Room room, RoomVersion version, StageMessage stage)
    {
        // A visitor node's stage comes from main; rooms never report one.
    }

    /// <inheritdoc/>
    public void VisitorsChanged(Room room, RoomVersion version, int count, IReadOnlyDictionary<string, int> bridges) =>
        Publish(room.Name.ToString(), FederationTypes.Visitors,
            JsonSerializer.Serialize(new NodeVisitorsPayload(count, new Dictionary<string, int>(bridges, StringComparer.Ordinal)), FederationJson.Default.NodeVisitorsPayload));

    /// <summary>Queues one event of <paramref name="type"/> for main, behind those queued before it (retried until stored, stored once).</summary>
    public void Publish(string room, string type, string payload)
    {
        _outbox.Enqueue(FederationEvent.Create(room, type, payload, _nodeId, _time));
        _metrics.CountFederationEvent("out", type);
    }

    /// <summary>A visitor joined here; main hears of it in the next heartbeat (it then stops counting the redirect as in flight).</summary>
    public void CountArrival() => CountArrivals(1);

    /// <summary>Adds <paramref name="count"/> arrivals (also to hand back ones a failed heartbeat could not deliver).</summary>
    public void CountArrivals(int count) => Interlocked.Add(ref _arrived, count);

    /// <summary>Arrivals since the last call.</summary>
    public int TakeArrivals() => Interlocked.Exchange(ref _arrived, 0);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _outbox.DisposeAsync();
}
