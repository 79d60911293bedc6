using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Bridge.Client;
using Bridge.Conferences;
using Bridge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Integration;

/// <summary>Bridge:MaxConcurrentHandshakes: a join wave beyond it waits for a slot instead of taking a thread each.</summary>
public sealed class HandshakeLimitTests
{
    [Fact]
    public async Task A_handshake_beyond_the_limit_waits_for_a_slot_and_then_completes()
    {
        await using var bridge = await TestBridge.StartAsync(o => (o.MaxConcurrentHandshakes, o.ConnectTimeoutSeconds) = (1, 6));
        var conferences = bridge.Services.GetRequiredService<ConferenceManager>();

        // A peer that completes ICE and then never speaks DTLS: its handshake holds the only slot until it times out.
        var stuck = await bridge.CreateEndpointAsync("room", "stuck", "receiver");
        using var offerer = new SimulatedPeer();
        await bridge.NegotiateAsync("room", "stuck", offerer.CreateOffer(publish: false));
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        MediaLoopTests.SendNomination(silent, bridge.MediaEndPoint, stuck.IceUfrag, stuck.IcePwd);
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => conferences.HandshakesRunning == 1, TimeSpan.FromSeconds(5)), "the silent peer's handshake did not start");

        // A real peer waits for the slot, then gets it when the silent one times out (6 s after its ICE), and connects.
        // It comes 3 s later, so its own 6 s connect timeout leaves it time for the handshake once admitted.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var watch = Stopwatch.StartNew();
        var late = bridge.ConnectPeerAsync("room", "late", publish: false);
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => conferences.HandshakesWaiting == 1, TimeSpan.FromSeconds(5)), "the second handshake did not queue");
        Assert.Equal(1, conferences.HandshakesRunning);
        var metrics = await bridge.Http.GetStringAsync("/metrics");
        Assert.Contains("bridge_dtls_handshakes{state=\"waiting\"} 1", metrics, StringComparison.Ordinal);
        var (peer, _) = await late;
        using var _p = peer;
        await bridge.WaitSecureAsync("room", "late");
        Assert.True(watch.Elapsed > TimeSpan.FromSeconds(1.5), $"connected after {watch.Elapsed.TotalSeconds:F1} s: the slot was not waited for");
        Assert.Null(await bridge.StateAsync("room", "stuck"));
        Assert.Equal(0, conferences.HandshakesWaiting);
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => conferences.HandshakesRunning == 0, TimeSpan.FromSeconds(5)));
    }
}
