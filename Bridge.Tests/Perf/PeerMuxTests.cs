using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Bridge.Client;
using Bridge.Tests.Support;

namespace Bridge.Tests.Perf;

/// <summary>PeerMux: many viewers on two shared sockets against a real bridge, each with its own loopback address.</summary>
[Trait("Category", "Integration")]
public sealed class PeerMuxTests
{
    private const string Conference = "mux";

    [Fact]
    public async Task Twenty_viewers_on_two_sockets_each_receive_every_packet_once()
    {
        await using var bridge = await TestBridge.StartAsync(o => o.LoopbackOnly = true);
        var (publisher, _) = await bridge.ConnectPeerAsync(Conference, "pub", publish: true);
        using var _ = publisher;
        using var mux = new PeerMux(capacity: 20, sockets: 2, maxConcurrentHandshakes: 4);
        var received = new ConcurrentDictionary<int, int>();
        mux.Observer = (peer, plain, arrival) =>
        {
            Assert.True(arrival > 0, "the kernel's receive time is known");
            received.AddOrUpdate(peer, 1, (_, n) => n + 1);
        };

        var peers = Enumerable.Range(0, 20).Select(_ => mux.CreatePeer()).ToList();
        await Task.WhenAll(peers.Select(async (peer, i) =>
        {
            var info = await bridge.CreateEndpointAsync(Conference, $"v{i}", "receiver");
            await bridge.NegotiateAsync(Conference, $"v{i}", peer.CreateOffer(recvAudio: 0, recvVideo: 1));
            await peer.ConnectAsync(bridge.MediaEndPoint, info.IceUfrag, info.IcePwd, info.Fingerprint, TimeSpan.FromSeconds(30));
        }));
        await bridge.WaitSecureAsync(Conference, [.. Enumerable.Range(0, 20).Select(i => $"v{i}")]);

        // The bridge tells endpoints apart by address: every peer has its own, on one of the two ports.
        Assert.Equal(20, peers.Select(p => p.LocalEndPoint).Distinct().Count());
        Assert.Equal(2, peers.Select(p => p.LocalEndPoint.Port).Distinct().Count());
        Assert.All(peers, p => Assert.Equal(127, p.LocalAddress.GetAddressBytes()[0]));

        for (ushort seq = 1; seq <= 10; seq++)
        {
            publisher.SendRtp(0x2222, 96, seq, seq * 3000u, new byte[200]);
        }
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => received.Count == 20 && received.Values.All(n => n >= 10), TimeSpan.FromSeconds(20)),
            $"every viewer gets 10 packets; got {string.Join(", ", received.Select(r => $"{r.Key}:{r.Value}"))}");
        await Task.Delay(200);
        Assert.All(received.Values, n => Assert.Equal(10, n));
        Assert.All(peers, p => Assert.Equal(0, p.DecryptFailures));
    }

    [Fact]
    public async Task Datagrams_from_strangers_or_to_unknown_addresses_are_counted_and_do_not_stop_the_receive_loop()
    {
        await using var bridge = await TestBridge.StartAsync(o => o.LoopbackOnly = true);
        var (publisher, _) = await bridge.ConnectPeerAsync(Conference, "pub", publish: true);
        using var _ = publisher;
        using var mux = new PeerMux(capacity: 4, sockets: 1);
        var got = 0;
        mux.Observer = (_, _, _) => Interlocked.Increment(ref got);
        var peer = mux.CreatePeer();
        var info = await bridge.CreateEndpointAsync(Conference, "v", "receiver");
        await bridge.NegotiateAsync(Conference, "v", peer.CreateOffer(recvAudio: 0, recvVideo: 1));
        await peer.ConnectAsync(bridge.MediaEndPoint, info.IceUfrag, info.IcePwd, info.Fingerprint, TimeSpan.FromSeconds(30));
        await bridge.WaitSecureAsync(Conference, "v");

        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stranger.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = peer.LocalEndPoint.Port;
        // To the peer's address but not from its bridge: SRTP-looking garbage, a fake DTLS record, an empty datagram.
        stranger.SendTo(new byte[] { 0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0x22, 0x22, 1, 2, 3 }, peer.LocalEndPoint);
        stranger.SendTo(new byte[] { 22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, peer.LocalEndPoint);
        stranger.SendTo(new byte[2000], peer.LocalEndPoint); // longer than the receive buffer
        // To a loopback address no peer has, and to one outside the plan (127.0.0.1).
        stranger.SendTo(new byte[] { 0x80, 96, 0, 1 }, new IPEndPoint(LoopbackAddressPlan.AddressOf(3), port));
        stranger.SendTo(new byte[] { 0x80, 96, 0, 1 }, new IPEndPoint(IPAddress.Loopback, port));
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => mux.ForeignDatagrams >= 4, TimeSpan.FromSeconds(10)), $"foreign {mux.ForeignDatagrams}");

        publisher.SendRtp(0x2222, 96, 1, 3000, new byte[100]);
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => Volatile.Read(ref got) == 1, TimeSpan.FromSeconds(10)), "the loop still delivers");
        Assert.Equal(0, peer.DecryptFailures);
        Assert.Equal(0, mux.HandlerFailures);
    }

    [Fact]
    public void The_address_plan_round_trips_and_rejects_addresses_outside_it()
    {
        foreach (var index in new[] { 0, 1, 253, 254, 65_023, 65_024, 1_000_000, LoopbackAddressPlan.Capacity - 1 })
        {
            var address = LoopbackAddressPlan.AddressOf(index);
            var bytes = address.GetAddressBytes();
            Assert.Equal(127, bytes[0]);
            Assert.NotEqual(0, bytes[3]);
            Assert.NotEqual(255, bytes[3]);
            Assert.Equal(index, LoopbackAddressPlan.IndexOf(BitConverter.ToUInt32(bytes)));
        }
        Assert.Equal(-1, LoopbackAddressPlan.IndexOf(BitConverter.ToUInt32(IPAddress.Loopback.GetAddressBytes())));
        Assert.Equal(-1, LoopbackAddressPlan.IndexOf(BitConverter.ToUInt32(new byte[] { 10, 1, 0, 1 })));
        Assert.Equal(-1, LoopbackAddressPlan.IndexOf(BitConverter.ToUInt32(new byte[] { 127, 1, 0, 255 })));
        Assert.Throws<ArgumentOutOfRangeException>(() => LoopbackAddressPlan.AddressOf(LoopbackAddressPlan.Capacity));
        Assert.Throws<ArgumentOutOfRangeException>(() => LoopbackAddressPlan.AddressOf(-1));
    }
}
