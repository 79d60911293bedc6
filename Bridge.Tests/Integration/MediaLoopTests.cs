using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Bridge.Client;
using Bridge.Conferences;
using Bridge.Metrics;
using Bridge.Rtp;
using Bridge.Stun;
using Bridge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Integration;

/// <summary>
/// A bridge with two media loops (SO_REUSEPORT sockets on one port) and simulated browsers on loopback: the kernel
/// spreads the peers over the loops, and media, NACKs, keyframe requests and sender reports cross between them.
/// </summary>
public sealed class MediaLoopTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Receivers_on_both_loops_get_every_packet_and_feedback_crosses_loops()
    {
        // A short keyframe throttle, so the join-time request does not hide the PLI sent below.
        await using var bridge = await TestBridge.StartAsync(o => (o.ReceiveLoops, o.KeyframeRequestIntervalMs) = (2, 10));
        var (publisher, _) = await bridge.ConnectPeerAsync("room", "pub", publish: true);
        using var _p = publisher;
        var conference = bridge.Services.GetRequiredService<ConferenceManager>().GetOrCreateConference("room");
        var publisherLoop = conference.Find("pub")!.LoopIndex;
        var receivers = new List<(SimulatedPeer Peer, string Id, uint VideoSlot)>();
        try
        {
            // Each peer has its own port, so its 4-tuple lands on either loop: connect until both loops hold receivers.
            for (var i = 0; i < 24 && conference.Endpoints.Select(e => e.LoopIndex).Distinct().Count() < 2 || receivers.Count < 4; i++)
            {
                var (peer, answer) = await bridge.ConnectPeerAsync("room", $"view{i}", publish: false);
                receivers.Add((peer, $"view{i}", answer.Endpoint.Media.First(m => m.Kind == "video").SlotSsrc!.Value));
            }
            await bridge.WaitSecureAsync("room", ["pub", .. receivers.Select(r => r.Id)]);
            var far = receivers.FirstOrDefault(r => conference.Find(r.Id)!.LoopIndex != publisherLoop);
            Assert.True(far.Peer is not null, "no receiver landed on the other loop in 24 tries");

            // Every receiver, on either loop, gets every packet.
            const ushort Lost = 5020;
            far.Peer.LoseIf = (ssrc, seq) => ssrc == far.VideoSlot && seq == Lost;
            var forwardedBefore = bridge.Counters.RtpForwarded;
            var payload = new byte[300];
            for (var i = 0; i < 40; i++)
            {
                payload[0] = (byte)i;
                publisher.SendRtp(0x1111, 111, (ushort)(1000 + i), (uint)(i * 960), payload);
                publisher.SendRtp(0x2222, 96, (ushort)(5000 + i), (uint)(i * 3000), payload, marker: true);
            }
            Assert.True(await SimulatedPeer.WaitUntilAsync(() => receivers.All(r => r.Peer.ReceivedRtp.Count >= (r == far ? 79 : 80)), Wait),
                $"received: {string.Join(", ", receivers.Select(r => r.Peer.ReceivedRtp.Count))}");
            Assert.All(receivers, r => Assert.Equal(0, r.Peer.DecryptFailures));
            Assert.Equal(80 * receivers.Count, bridge.Counters.RtpForwarded - forwardedBefore);
            Assert.Equal(0, bridge.Counters.Dropped(DropReason.HandOffOverflow));

            // A NACK from the far loop is answered from the cache the publisher's loop writes.
            far.Peer.LoseIf = null;
            var rtcp = new byte[64];
            var before = far.Peer.ReceivedRtp.Count;
            far.Peer.SendRtcp(rtcp.AsSpan(0, RtcpWriter.WriteNack(rtcp, 0xABCD, far.VideoSlot, [Lost])));
            Assert.True(await SimulatedPeer.WaitUntilAsync(() => far.Peer.ReceivedRtp.Count > before, Wait), "no retransmission");
            Assert.True(RtpPacket.TryParse(far.Peer.ReceivedRtp.Last(), out var resent));
            Assert.Equal(Lost, resent.SequenceNumber);
            Assert.Equal(20, resent.Payload[0]);

            // A PLI from the far loop reaches the publisher without waiting for its next packet.
            await Task.Delay(50);
            var plisBefore = CountRtcp(publisher, p => PictureLossIndication.TryParse(p, out var pli) && pli.MediaSsrc == 0x2222);
            far.Peer.SendRtcp(rtcp.AsSpan(0, RtcpWriter.WritePli(rtcp, 0xABCD, far.VideoSlot)));
            Assert.True(await SimulatedPeer.WaitUntilAsync(() => CountRtcp(publisher, p => PictureLossIndication.TryParse(p, out var pli) && pli.MediaSsrc == 0x2222) > plisBefore, Wait),
                "no PLI reached the publisher");

            // The publisher's sender report reaches every receiver, rewritten to its slot.
            publisher.SendRtcp(rtcp.AsSpan(0, RtcpWriter.WriteSenderReport(rtcp, 0x2222, 0x0123_4567_89AB_CDEFUL, 39 * 3000, 40, 12_000)));
            Assert.True(await SimulatedPeer.WaitUntilAsync(() => receivers.All(r => CountRtcp(r.Peer, p => SenderReport.TryParse(p, out var sr) && sr.Ssrc == r.VideoSlot) == 1), Wait),
                "a receiver did not get the sender report");
        }
        finally
        {
            foreach (var (peer, _, _) in receivers)
            {
                peer.Dispose();
            }
        }
    }

    [Fact]
    public async Task An_endpoint_that_ICE_moves_to_the_other_loop_is_handed_over_and_keeps_receiving()
    {
        await using var bridge = await TestBridge.StartAsync(o => o.ReceiveLoops = 2);
        var (publisher, _) = await bridge.ConnectPeerAsync("room", "pub", publish: true);
        var info = await bridge.CreateEndpointAsync("room", "view", "receiver");
        using var receiver = new SimulatedPeer();
        await bridge.NegotiateAsync("room", "view", receiver.CreateOffer(publish: false));
        await receiver.ConnectAsync(bridge.MediaEndPoint, info.IceUfrag, info.IcePwd, info.Fingerprint, Wait);
        using var _p = publisher;
        await bridge.WaitSecureAsync("room", "pub", "view");
        var endpoint = bridge.Services.GetRequiredService<ConferenceManager>().GetOrCreateConference("room").Find("view")!;
        var firstLoop = endpoint.LoopIndex;

        // The browser nominates another candidate pair: a new local port, whose 4-tuple may hash to the other loop.
        var sockets = new List<Socket>();
        Socket? moved = null;
        try
        {
            for (var i = 0; i < 16 && moved is null; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                sockets.Add(socket);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                SendNomination(socket, bridge.MediaEndPoint, info.IceUfrag, info.IcePwd);
                var address = ((IPEndPoint)socket.LocalEndPoint!).Serialize();
                Assert.True(await SimulatedPeer.WaitUntilAsync(() => address.Equals(endpoint.RemoteAddress), Wait), "the nomination did not move the endpoint");
                if (await SimulatedPeer.WaitUntilAsync(() => endpoint.LoopIndex != firstLoop, TimeSpan.FromMilliseconds(300)))
                {
                    moved = socket;
                }
            }
            Assert.True(moved is not null, "no new port hashed to the other loop in 16 tries");

            // Media now leaves from the new owner to the new address (SRTP with the same context, so nothing restarts).
            var forwardedBefore = bridge.Counters.RtpForwarded;
            for (var i = 0; i < 20; i++)
            {
                publisher.SendRtp(0x1111, 111, (ushort)(100 + i), (uint)(i * 960), new byte[200]);
            }
            Assert.True(await SimulatedPeer.WaitUntilAsync(() => bridge.Counters.RtpForwarded - forwardedBefore >= 20, Wait));
            var buffer = new byte[2048];
            var srtp = 0;
            moved.ReceiveTimeout = 2000;
            while (srtp < 20)
            {
                var length = moved.Receive(buffer);
                if (length > 0 && buffer[0] is >= 128 and <= 191)
                {
                    srtp++;
                }
            }
            Assert.Equal(20, srtp);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    [Fact]
    public async Task The_loops_allocate_nothing_while_packets_cross_between_them()
    {
        await using var bridge = await TestBridge.StartAsync(o => o.ReceiveLoops = 2);
        var (publisher, _) = await bridge.ConnectPeerAsync("room", "pub", publish: true);
        using var _p = publisher;
        var conference = bridge.Services.GetRequiredService<ConferenceManager>().GetOrCreateConference("room");
        var receivers = new List<SimulatedPeer>();
        try
        {
            for (var i = 0; i < 24 && (conference.Endpoints.Where(e => e.Role == EndpointRole.Receiver).Select(e => e.LoopIndex).Distinct().Count() < 2 || receivers.Count < 4); i++)
            {
                // Room for a round of packets in the kernel: the default buffer holds fewer than 100 datagrams of 1 KB.
                receivers.Add((await bridge.ConnectPeerAsync("room", $"view{i}", publish: false, new SimulatedPeer(socketBufferBytes: 4 << 20))).Peer);
            }
            await bridge.WaitSecureAsync("room", ["pub", .. receivers.Select((_, i) => $"view{i}")]);
            Assert.Equal(2, conference.Endpoints.Where(e => e.Role == EndpointRole.Receiver).Select(e => e.LoopIndex).Distinct().Count());
            var loops = bridge.Services.GetRequiredService<Bridge.Transport.MediaLoops>();
            ushort sequence = 0;
            var payload = new byte[1000];
            async Task SendAsync(int packets)
            {
                // In rounds, each delivered before the next, so no socket buffer overflows.
                for (var round = 0; round < packets / 100; round++)
                {
                    var target = receivers.Select(r => r.ReceivedRtp.Count + 100).ToArray();
                    for (var i = 0; i < 100; i++, sequence++)
                    {
                        publisher.SendRtp(0x2222, 96, sequence, sequence * 3000u, payload);
                    }
                    Assert.True(await SimulatedPeer.WaitUntilAsync(() => receivers.Select((r, n) => r.ReceivedRtp.Count >= target[n]).All(x => x), Wait),
                        $"round {round}: received {string.Join(", ", receivers.Select((r, n) => $"{r.ReceivedRtp.Count}/{target[n]}"))}; dropped {string.Join(", ", Enum.GetValues<DropReason>().Select(d => $"{d}={bridge.Counters.Dropped(d)}").Where(x => !x.EndsWith("=0", StringComparison.Ordinal)))}; forwarded {bridge.Counters.RtpForwarded}");
                }
            }

            // Warm-up: every path JIT-compiled and promoted by tiered compilation first.
            await SendAsync(2000);
            await Task.Delay(500);
            await SendAsync(200);
            var before = Enumerable.Range(0, loops.Count).Select(i => loops[i].AllocatedBytes).ToArray();
            await SendAsync(3000);
            var after = Enumerable.Range(0, loops.Count).Select(i => loops[i].AllocatedBytes).ToArray();
            // Nothing per packet: one allocation per packet or per copy would be 3,000 x 24 B at least. What a loop may
            // still allocate once (a few hundred bytes, tiered compilation re-jitting a method) stays far below.
            var allocated = after.Zip(before, (a, b) => a - b).Sum();
            Assert.True(allocated < 3000, $"the loops allocated {allocated} B while forwarding 3,000 packets: before {string.Join(",", before)}, after {string.Join(",", after)}");

            var metrics = await bridge.Http.GetStringAsync("/metrics");
            Assert.Contains("bridge_media_loops 2", metrics, StringComparison.Ordinal);
            Assert.Contains("bridge_media_loop_allocated_bytes_total{loop=\"1\"}", metrics, StringComparison.Ordinal);
            Assert.Contains("bridge_media_loop_packets_received_total{loop=\"0\"}", metrics, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var peer in receivers)
            {
                peer.Dispose();
            }
        }
    }

    [Fact]
    public void A_media_port_held_by_another_process_socket_fails_start_up_even_with_SO_REUSEPORT()
    {
        // A stale bridge of the same user holding the port with SO_REUSEPORT: joining its group would split the
        // traffic between the two processes, so start-up must fail as it does with one loop.
        using var stale = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stale.SetRawSocketOption(1, 15, BitConverter.GetBytes(1));
        stale.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)stale.LocalEndPoint!).Port;
        var error = Assert.ThrowsAny<SocketException>(() => Bridge.Hosting.BridgeHost.Build([], o => (o.MediaPort, o.ApiUrl, o.ReceiveLoops) = (port, "http://127.0.0.1:0", 2)));
        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
    }

    /// <summary>An ICE Binding request with USE-CANDIDATE for the bridge's credentials, from <paramref name="socket"/>.</summary>
    internal static void SendNomination(Socket socket, IPEndPoint bridge, string bridgeUfrag, string bridgePassword)
    {
        var transaction = RandomNumberGenerator.GetBytes(12);
        var message = new byte[512];
        var length = StunWriter.WriteBindingRequest(message, transaction, Encoding.ASCII.GetBytes($"{bridgeUfrag}:moved"), Encoding.ASCII.GetBytes(bridgePassword), 0x6e001eff, 42, useCandidate: true);
        socket.SendTo(message.AsSpan(0, length), SocketFlags.None, bridge);
    }

    private static int CountRtcp(SimulatedPeer peer, Func<RtcpPacket, bool> match)
    {
        var count = 0;
        foreach (var compound in peer.ReceivedRtcp)
        {
            var reader = new RtcpCompoundReader(compound);
            while (reader.TryReadNext(out var packet))
            {
                if (match(packet))
                {
                    count++;
                }
            }
        }
        return count;
    }
}
