using Bridge.Conferences;
using Bridge.Forwarding;
using Bridge.Hosting;
using Bridge.Metrics;
using Bridge.Relay;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Transport;

/// <summary>
/// The bridge's media loops (one per <see cref="MediaSockets"/> socket), each with its own router, forwarder, RTCP
/// and relay handlers, counters and transit clock, joined by a <see cref="LoopMesh"/>. Started and stopped with the host.
/// </summary>
public sealed class MediaLoops : IHostedService, IDisposable
{
    private readonly MediaSockets _sockets;
    private readonly LoopMesh _mesh;
    private readonly MediaLoop[] _loops;
    private readonly ILogger<MediaLoops> _logger;

    private readonly Prometheus.Counter _received;
    private readonly Prometheus.Counter _sent;
    private readonly Prometheus.Counter _allocated;

    /// <summary>Builds one loop per socket and registers the per-loop metrics.</summary>
    public MediaLoops(MediaSockets sockets, ConferenceManager conferences, RelayManager relays, RelaySubscriptions subscriptions, TransitHistogram transit, TimeProvider time, IOptions<BridgeOptions> options, ILoggerFactory loggers, BridgeMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(sockets);
        ArgumentNullException.ThrowIfNull(loggers);
        _sockets = sockets;
        _logger = loggers.CreateLogger<MediaLoops>();
        _mesh = new LoopMesh(sockets.Count);
        _loops = new MediaLoop[sockets.Count];
        for (var i = 0; i < _loops.Length; i++)
        {
            var socket = sockets[i];
            var counters = socket.Counters;
            var clock = new PacketTransit(transit);
            var forwarder = new Forwarder(socket, relays, counters, time, options, clock, loggers.CreateLogger<Forwarder>(), _mesh, i);
            var rtcp = new RtcpHandler(forwarder, counters);
            var relay = new RelayRouter(i, relays, conferences, subscriptions, forwarder, rtcp, counters, time);
            var router = new PacketRouter(conferences, socket, forwarder, rtcp, relay, counters, time, options, clock, _mesh, i);
            _loops[i] = new MediaLoop(i, socket, router, forwarder, _mesh, loggers.CreateLogger<MediaLoop>());
        }
        var factory = Prometheus.Metrics.WithCustomRegistry(metrics.Registry);
        factory.CreateGauge("bridge_media_loops", "Media loops (threads with their own SO_REUSEPORT socket on the media port).").Set(_loops.Length);
        _received = factory.CreateCounter("bridge_media_loop_packets_received_total", "Datagrams received by each media loop's socket (how evenly the kernel spreads the peers).", "loop");
        _sent = factory.CreateCounter("bridge_media_loop_packets_sent_total", "Datagrams each media loop sent.", "loop");
        _allocated = factory.CreateCounter("bridge_media_loop_allocated_bytes_total", "Bytes each media loop's thread allocated since it started; flat while media flows.", "loop");
        metrics.Registry.AddBeforeCollectCallback(UpdateMetrics);
    }

    /// <summary>Number of loops.</summary>
    public int Count => _loops.Length;

    /// <summary>Loop <paramref name="index"/>.</summary>
    public MediaLoop this[int index] => _loops[index];

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var loop in _loops)
        {
            loop.Start();
        }
        ConferenceLog.Listening(_logger, _sockets[0].LocalEndPoint, _loops.Length);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var loop in _loops)
        {
            loop.RequestStop();
        }
        // A blocking loop wakes when its socket closes; a polling one holds its descriptor until it has seen the stop.
        _sockets.Dispose();
        foreach (var loop in _loops)
        {
            loop.Join(TimeSpan.FromSeconds(2));
        }
        return Task.CompletedTask;
    }

    private void UpdateMetrics()
    {
        foreach (var loop in _loops)
        {
            var label = loop.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var counters = _sockets[loop.Index].Counters;
            _received.WithLabels(label).IncTo(Volatile.Read(ref counters.PacketsIn));
            _sent.WithLabels(label).IncTo(Volatile.Read(ref counters.PacketsOut));
            _allocated.WithLabels(label).IncTo(loop.AllocatedBytes);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_loops.All(loop => loop.Join(TimeSpan.Zero)))
        {
            _mesh.Dispose();
        }
    }
}
