using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Bridge.Client;
using Bridge.Conferences;
using Bridge.Forwarding;
using Bridge.Hosting;
using Bridge.Metrics;
using Bridge.Rtp;
using Bridge.Srtp;
using Bridge.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Benchmarks;

/// <summary>
/// The real forward path: one plain 1,200-byte video packet from a publisher, fanned out by
/// <see cref="Forwarder.Forward"/> to 100 receivers, each rewritten, SRTP-protected with its own
/// context and sent with the bridge's UDP socket to loopback (batched or not). One operation = 100 forwarded packets.
/// The bridge is the real host; publisher and receivers did real ICE and DTLS with it.
/// </summary>
[MemoryDiagnoser]
public class ForwardBenchmarks
{
    /// <summary>Receivers the packet fans out to.</summary>
    public const int Receivers = 100;

    /// <summary>Operations (of 100 packets each) for the exact per-thread allocation check in setup.</summary>
    private const int ProbeOperations = 3000;

    private const string ConferenceId = "bench";
    private const uint VideoSsrc = 0x2222; // SimulatedPeer.CreateOffer's default video SSRC
    private const byte VideoPayloadType = 96; // VP8 in SimulatedPeer.CreateOffer

    private readonly byte[] _packet = new byte[SrtpProtectBenchmarks.PacketLength];
    private readonly List<Socket> _sinks = [];
    private WebApplication? _app;
    private SimulatedPeer? _publisherPeer;
    private Forwarder? _forwarder;
    private Endpoint? _publisher;
    private ushort _sequence;
    private uint _timestamp;

    /// <summary>The SRTP profile every endpoint negotiates.</summary>
    [Params(SrtpProfile.AesCm128HmacSha1Tag80, SrtpProfile.AeadAes128Gcm)]
    public SrtpProfile Profile { get; set; }

    /// <summary>
    /// What listens on the receivers' ports during the run. Closed: nothing, so every packet also costs the
    /// kernel an ICMP port-unreachable (loopback does not rate-limit them). Sink: a socket nobody reads,
    /// which drops once its buffer is full, closer to a remote receiver whose work is on another machine.
    /// </summary>
    [Params(ReceiverPorts.Closed, ReceiverPorts.Sink)]
    public ReceiverPorts Ports { get; set; }

    /// <summary>
    /// Bridge:BatchedSends: true sends the 100 copies with sendmmsg, 32 per call (4 syscalls per op); false with one
    /// sendto each (100 per op), the path before batching, measured in the same run for the comparison.
    /// </summary>
    [Params(true, false)]
    public bool BatchedSends { get; set; }

    /// <summary>Starts a bridge, connects 1 publisher and 100 receivers, then closes the receivers' sockets.</summary>
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    /// <summary>Stops the bridge and the publisher.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _publisherPeer?.Dispose();
        foreach (var sink in _sinks)
        {
            sink.Dispose();
        }
        if (_app is not null)
        {
            _app.StopAsync().GetAwaiter().GetResult();
            _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Forwards the next packet of the stream to all 100 receivers.</summary>
    [Benchmark]
    public void Forward()
    {
        RtpHeader.SetSequenceNumber(_packet, ++_sequence);
        RtpHeader.SetTimestamp(_packet, _timestamp += 3000);
        _forwarder!.Forward(_publisher!, _packet);
    }

    private async Task SetupAsync()
    {
        // Warnings only: a hundred "endpoint created/secure" lines would drown BenchmarkDotNet's output.
        _app = BridgeHost.Build(["--Logging:LogLevel:Default=Warning"], o =>
        {
            o.MediaPort = 0;
            o.ApiUrl = "http://127.0.0.1:0";
            o.LoopbackOnly = true;
            // The receivers stop sending consent checks when their sockets close; keep them alive for the run.
            o.ConsentTimeoutSeconds = 300;
            o.ConnectTimeoutSeconds = 300;
            o.SrtpProfiles = [Profile];
            o.BatchedSends = BatchedSends;
            // One loop owns every endpoint, so the benchmark thread can drive its forwarder: the per-core cost.
            o.ReceiveLoops = 1;
        });
        await _app.StartAsync();
        var conferences = _app.Services.GetRequiredService<ConferenceManager>();
        var media = _app.Services.GetRequiredService<MediaSocket>().LocalEndPoint;
        var conference = conferences.GetOrCreateConference(ConferenceId);

        _publisherPeer = await ConnectAsync(conferences, conference, media, "publisher", EndpointRole.Sender);
        var receivers = new List<SimulatedPeer>();
        // A few handshakes at a time: enough to overlap the round trips without starving 2 cores.
        for (var i = 0; i < Receivers; i += 10)
        {
            receivers.AddRange(await Task.WhenAll(Enumerable.Range(i, 10).Select(n =>
                ConnectAsync(conferences, conference, media, $"receiver-{n}", EndpointRole.Receiver))));
        }

        if (!await SimulatedPeer.WaitUntilAsync(() => conference.Endpoints.All(e => e.State == EndpointState.Secure), TimeSpan.FromSeconds(30))
            || conference.Endpoints.Length != Receivers + 1)
        {
            throw new InvalidOperationException($"not all endpoints secure: {string.Join(", ", conference.Endpoints.Select(e => $"{e.Id}={e.State}"))}");
        }
        // Their decrypt threads would compete for the 2 cores; sends to a closed loopback port do not error for unconnected UDP.
        // Abandoned, not disposed: a close_notify would make the bridge expire the endpoint at once.
        foreach (var peer in receivers)
        {
            var port = peer.LocalEndPoint;
            peer.Abandon();
            if (Ports == ReceiverPorts.Sink)
            {
                // UDP has no TIME_WAIT: the port is free again at once.
                var sink = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                _sinks.Add(sink);
                sink.Bind(port);
            }
        }

        _forwarder = _app.Services.GetRequiredService<MediaLoops>()[0].Forwarder;
        _publisher = conference.Find("publisher") ?? throw new InvalidOperationException("publisher missing");
        SrtpProtectBenchmarks.WritePlainPacket(_packet, VideoSsrc, VideoPayloadType);

        // One packet to check the path really reaches every receiver (and to send the first keyframe request).
        var counters = _app.Services.GetRequiredService<BridgeCounters>();
        var forwarded = counters.Total().RtpForwarded;
        Forward();
        if (counters.Total().RtpForwarded - forwarded != Receivers)
        {
            throw new InvalidOperationException($"forwarded {counters.Total().RtpForwarded - forwarded} packets, expected {Receivers}");
        }

        // BenchmarkDotNet's "Allocated" is process-wide (GC.GetTotalAllocatedBytes), so it also counts the
        // bridge's other threads (consent monitor, Kestrel's heartbeat: a few hundred bytes a second).
        // The forward path's own figure is this thread's allocation over many packets; it must be exactly 0.
        for (var i = 0; i < ProbeOperations; i++)
        {
            Forward();
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < ProbeOperations; i++)
        {
            Forward();
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // perf/run-benchmarks.sh checks these lines.
        Console.WriteLine($"forward-thread-allocation: Profile={Profile} Ports={Ports} BatchedSends={BatchedSends} packets={ProbeOperations * Receivers} bytes={allocated}");
        if (allocated != 0)
        {
            throw new InvalidOperationException($"the forward path allocated {allocated} B over {ProbeOperations * Receivers} forwarded packets");
        }
    }

    private async Task<SimulatedPeer> ConnectAsync(ConferenceManager conferences, Conference conference, IPEndPoint media, string id, EndpointRole role)
    {
        var peer = new SimulatedPeer([Profile]);
        var endpoint = conferences.CreateEndpoint(conference, id, role) ?? throw new InvalidOperationException($"endpoint {id} exists");
        if (!conferences.TryNegotiate(endpoint, peer.CreateOffer(publish: role == EndpointRole.Sender), out _, out var error))
        {
            throw new InvalidOperationException($"negotiation of {id} failed: {error}");
        }
        var certificate = conferences.Certificate;
        await peer.ConnectAsync(media, endpoint.LocalUfrag, endpoint.LocalPassword, $"{certificate.FingerprintAlgorithm} {certificate.Fingerprint}", TimeSpan.FromSeconds(30));
        return peer;
    }
}
