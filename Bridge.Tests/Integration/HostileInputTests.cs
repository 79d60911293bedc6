using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Bridge.Client;
using Bridge.Metrics;
using Bridge.Rtp;
using Bridge.Stun;
using Bridge.Tests.Support;

namespace Bridge.Tests.Integration;

/// <summary>
/// 100,000+ random, truncated and bit-flipped STUN/DTLS/RTP/RTCP datagrams hit the media port while a
/// real session runs: the bridge keeps running, the session keeps flowing, and every bad datagram is
/// counted as a drop.
/// </summary>
public sealed class HostileInputTests
{
    private const int FuzzFromStranger = 100_000;
    private const int FuzzFromPeer = 5_000;
    private const int Batch = 250;

    [Fact]
    public async Task Garbage_on_the_media_port_is_counted_and_dropped_while_media_keeps_flowing()
    {
        await using var bridge = await TestBridge.StartAsync();
        var (publisher, _) = await bridge.ConnectPeerAsync("room", "pub", publish: true);
        var (receiver, _) = await bridge.ConnectPeerAsync("room", "view", publish: false);
        using var _p = publisher;
        using var _r = receiver;
        await bridge.WaitSecureAsync("room", "pub", "view");
        var endpoint = await bridge.CreateEndpointAsync("room", "idle", "receiver");

        var random = new Random(20261125);
        var samples = Samples(endpoint.IceUfrag, endpoint.IcePwd);
        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stranger.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var target = bridge.MediaEndPoint;
        var droppedBefore = bridge.Counters.DroppedTotal();
        ushort sequence = 0;
        var buffer = new byte[1600];

        // From an address no ICE check bound: only STUN is even looked at, and none of it verifies.
        for (var sent = 0; sent < FuzzFromStranger; sent += Batch)
        {
            for (var i = 0; i < Batch; i++)
            {
                var length = Mutate(random, samples[random.Next(samples.Length)], buffer);
                stranger.SendTo(buffer.AsSpan(0, length), SocketFlags.None, target);
            }
            // Media keeps flowing during the attack.
            publisher.SendRtp(0x1111, 111, sequence++, sequence * 960u, new byte[80]);
            // Pace on the bridge's own count so the kernel's socket buffer never overflows.
            var expected = droppedBefore + sent + Batch;
            Assert.True(await SimulatedPeer.WaitUntilAsync(() => bridge.Counters.DroppedTotal() >= expected, TimeSpan.FromSeconds(10)),
                $"bridge counted {bridge.Counters.DroppedTotal() - droppedBefore} drops of {sent + Batch} bad datagrams");
        }
        Assert.Equal(FuzzFromStranger, bridge.Counters.DroppedTotal() - droppedBefore);
        Assert.Equal(0, bridge.Counters.Dropped(DropReason.SrtpAuthFailed));

        // From the publisher's own bound address: mutated SRTP/SRTCP fails authentication, mutated STUN fails integrity.
        var fromPeerBefore = bridge.Counters.DroppedTotal();
        for (var i = 0; i < FuzzFromPeer; i++)
        {
            var length = MutateAuthenticated(random, buffer);
            publisher.SendRaw(buffer.AsSpan(0, length));
            if (i % Batch == Batch - 1)
            {
                var expected = fromPeerBefore + i + 1;
                Assert.True(await SimulatedPeer.WaitUntilAsync(() => bridge.Counters.DroppedTotal() >= expected, TimeSpan.FromSeconds(10)));
            }
        }
        Assert.Equal(FuzzFromPeer, bridge.Counters.DroppedTotal() - fromPeerBefore);
        Assert.True(bridge.Counters.Dropped(DropReason.SrtpAuthFailed) > 0);

        // The session still flows both ways and the bridge still answers its API.
        var received = receiver.ReceivedRtp.Count;
        for (var i = 0; i < 20; i++)
        {
            publisher.SendRtp(0x1111, 111, sequence++, sequence * 960u, new byte[80]);
        }
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => receiver.ReceivedRtp.Count >= received + 20, TimeSpan.FromSeconds(10)));
        Assert.True(received >= FuzzFromStranger / Batch - 5, $"only {received} packets reached the receiver during the attack");
        Assert.Equal(0, receiver.DecryptFailures);
        var health = await bridge.Http.GetAsync("/health");
        Assert.True(health.IsSuccessStatusCode);
    }

    // Valid-looking datagrams of every protocol the port demultiplexes, to mutate.
    private static byte[][] Samples(string ufrag, string password)
    {
        var stun = new byte[StunWriter.MaxMessageLength];
        var stunLength = StunWriter.WriteBindingRequest(stun, RandomNumberGenerator.GetBytes(12), Encoding.ASCII.GetBytes($"{ufrag}:abcd"), Encoding.ASCII.GetBytes(password), 1, 2, useCandidate: true);
        var rtp = new byte[200];
        rtp[0] = 0x90; rtp[1] = 96; rtp[12] = 0xBE; rtp[13] = 0xDE; rtp[15] = 1; rtp[16] = 0x10;
        var rtcp = new byte[64];
        var rtcpLength = RtcpWriter.WritePli(rtcp, 1, 2);
        rtcpLength += RtcpWriter.WriteNack(rtcp.AsSpan(rtcpLength), 1, 2, [5, 6, 9]);
        // A DTLS 1.2 handshake record header (ClientHello) with a body.
        byte[] dtls = [22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 40, 1, 0, 0, 34, 0, 0, 0, 0, 0, 0, 0, 34, 0xFE, 0xFD, .. new byte[32]];
        return [stun[..stunLength], rtp, rtcp[..rtcpLength], dtls, [0xFF, 1, 2, 3], [0x40, 0x41]];
    }

    private static int Mutate(Random random, byte[] sample, byte[] buffer)
    {
        switch (random.Next(4))
        {
            case 0: // truncated (by at least one byte: the STUN sample itself is a valid check)
                var cut = random.Next(1, sample.Length);
                sample.AsSpan(0, cut).CopyTo(buffer);
                return cut;
            case 1: // one to three bit flips at distinct positions (a bit flipped twice would restore the sample)
                sample.CopyTo(buffer, 0);
                var bits = sample.Length * 8;
                var firstBit = random.Next(bits);
                var step = random.Next(1, bits / 3);
                for (int flips = random.Next(1, 4), bit = firstBit; flips > 0; flips--, bit = (bit + step) % bits)
                {
                    buffer[bit / 8] ^= (byte)(1 << (bit % 8));
                }
                return sample.Length;
            case 2: // random bytes, first byte in a demultiplexed range
                var length = random.Next(1, 1500);
                random.NextBytes(buffer.AsSpan(0, length));
                buffer[0] = random.Next(3) switch { 0 => (byte)random.Next(0, 4), 1 => (byte)random.Next(20, 64), _ => (byte)random.Next(128, 192) };
                return length;
            default: // random everything
                var any = random.Next(1, 1500);
                random.NextBytes(buffer.AsSpan(0, any));
                return any;
        }
    }

    // SRTP/SRTCP-shaped packets (random body, no valid tag) and STUN with a wrong key.
    private static int MutateAuthenticated(Random random, byte[] buffer)
    {
        var length = random.Next(40, 1200);
        random.NextBytes(buffer.AsSpan(0, length));
        buffer[0] = 0x80;
        buffer[1] = random.Next(2) == 0 ? (byte)111 : (byte)RtcpPacketType.ReceiverReport;
        return length;
    }
}
