using BenchmarkDotNet.Attributes;
using Bridge.Metrics;
using Bridge.Srtp;
using Bridge.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Benchmarks;

/// <summary>
/// The whole media path through the media loops, by wall clock: the publisher sends a burst of SRTP video packets over
/// loopback and the operation ends when the bridge has sent every copy to its 400 receivers. With one media loop one
/// thread does the fan-out; with two, each loop does the receivers the kernel hashed to it, in parallel. The ratio of
/// the two is what a second core buys. One operation = 16 packets x 400 receivers = 6,400 forwarded copies.
/// </summary>
public class FanOutBenchmarks
{
    /// <summary>Receivers of every packet.</summary>
    public const int Receivers = 400;

    /// <summary>Packets the publisher sends per operation.</summary>
    public const int Burst = 16;

    private const uint VideoSsrc = 0x2222; // SimulatedPeer.CreateOffer's default video SSRC
    private const byte VideoPayloadType = 96;

    private readonly byte[] _payload = new byte[SrtpProtectBenchmarks.PacketLength - 12];
    private BenchBridge? _bridge;
    private BridgeCounters[] _parts = [];
    private ushort _sequence;
    private uint _timestamp;

    /// <summary>Media loops of the bridge (Bridge:ReceiveLoops).</summary>
    [Params(1, 2)]
    public int Loops { get; set; }

    /// <summary>Starts the bridge with the loops asked for and 400 receivers on sinks.</summary>
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    /// <summary>Stops the bridge.</summary>
    [GlobalCleanup]
    public void Cleanup() => _bridge?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Sends a burst from the publisher and waits (sleeping, so the loops have the cores) until every copy left.</summary>
    [Benchmark]
    public void FanOut()
    {
        var target = Forwarded() + (Burst * Receivers);
        for (var i = 0; i < Burst; i++)
        {
            _bridge!.PublisherPeer.SendRtp(VideoSsrc, VideoPayloadType, ++_sequence, _timestamp += 3000, _payload);
        }
        var deadline = Environment.TickCount64 + 5000;
        while (Forwarded() < target)
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new InvalidOperationException($"only {Forwarded() - target + (Burst * Receivers)} of {Burst * Receivers} copies left the bridge in 5 s");
            }
            Thread.Sleep(1);
        }
    }

    private long Forwarded()
    {
        long sum = 0;
        foreach (var part in _parts)
        {
            sum += Volatile.Read(ref part.RtpForwarded);
        }
        return sum;
    }

    private async Task SetupAsync()
    {
        _bridge = await BenchBridge.StartAsync(SrtpProfile.AeadAes128Gcm, Receivers, ReceiverPorts.Sink, o => o.ReceiveLoops = Loops);
        var sockets = _bridge.App.Services.GetRequiredService<MediaSockets>();
        _parts = [.. Enumerable.Range(0, sockets.Count).Select(i => sockets[i].Counters)];
        var owners = _bridge.Conference.Endpoints.GroupBy(e => e.LoopIndex).Select(g => $"loop {g.Key}: {g.Count()}");
        Console.WriteLine($"fan-out: {Loops} loop(s), endpoints per loop: {string.Join(", ", owners)}");
        FanOut();
    }
}
