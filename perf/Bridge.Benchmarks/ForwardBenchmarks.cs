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

    private const uint VideoSsrc = 0x2222; // SimulatedPeer.CreateOffer's default video SSRC
    private const byte VideoPayloadType = 96; // VP8 in SimulatedPeer.CreateOffer

    private readonly byte[] _packet = new byte[SrtpProtectBenchmarks.PacketLength];
    private BenchBridge? _bridge;
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
    public void Cleanup() => _bridge?.DisposeAsync().AsTask().GetAwaiter().GetResult();

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
        _bridge = await BenchBridge.StartAsync(Profile, Receivers, Ports, o =>
        {
            o.BatchedSends = BatchedSends;
            // One loop owns every endpoint, so the benchmark thread can drive its forwarder: the per-core cost.
            o.ReceiveLoops = 1;
        });
        _forwarder = _bridge.App.Services.GetRequiredService<MediaLoops>()[0].Forwarder;
        _publisher = _bridge.Publisher;
        SrtpProtectBenchmarks.WritePlainPacket(_packet, VideoSsrc, VideoPayloadType);

        // One packet to check the path really reaches every receiver (and to send the first keyframe request).
        var counters = _bridge.App.Services.GetRequiredService<BridgeCounters>();
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
}
