using System.Net.Http.Json;
using System.Buffers.Binary;
using Bridge.Client;
using Bridge.Rtp;
using Bridge.Srtp;
using Bridge.Tests.Support;

namespace Bridge.Tests.Integration;

/// <summary>
/// A bridge in-process and simulated browsers on loopback UDP: real ICE, a real DTLS handshake
/// (our client against the bridge's server), SRTP both ways, forwarding and feedback.
/// </summary>
public sealed class MediaSessionTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    public async Task Publisher_media_reaches_receiver_rewritten_and_feedback_reaches_publisher(SrtpProfile profile)
    {
        await using var bridge = await TestBridge.StartAsync();
        var (publisher, _) = await bridge.ConnectPeerAsync("room", "pub", publish: true, new SimulatedPeer([profile]));
        var (receiver, answer) = await bridge.ConnectPeerAsync("room", "view", publish: false, new SimulatedPeer([profile]));
        using var _p = publisher;
        using var _r = receiver;
        Assert.Equal(profile, publisher.Profile);
        await bridge.WaitSecureAsync("room", "pub", "view");

        var audioSlot = answer.Endpoint.Media.First(m => m.Kind == "audio").SlotSsrc!.Value;
        var videoSlot = answer.Endpoint.Media.First(m => m.Kind == "video").SlotSsrc!.Value;
        // The receiver "loses" one video packet on the way; it NACKs it later.
        const ushort Lost = 5010;
        receiver.LoseIf = (ssrc, seq) => ssrc == videoSlot && seq == Lost;
        var payload = new byte[160];
        for (var i = 0; i < 50; i++)
        {
            payload[0] = (byte)i;
            publisher.SendRtp(0x1111, 111, (ushort)(1000 + i), (uint)(i * 960), payload);
            publisher.SendRtp(0x2222, 96, (ushort)(5000 + i), (uint)(i * 3000), payload, marker: true);
        }

        Assert.True(await SimulatedPeer.WaitUntilAsync(() => receiver.ReceivedRtp.Count >= 99, Wait), $"received {receiver.ReceivedRtp.Count} of 99");
        var audio = new List<(ushort Seq, byte First)>();
        var video = new List<(ushort Seq, byte First)>();
        foreach (var bytes in receiver.ReceivedRtp)
        {
            Assert.True(RtpPacket.TryParse(bytes, out var rtp));
            Assert.Equal(160, rtp.Payload.Length);
            if (rtp.Ssrc == audioSlot)
            {
                Assert.Equal(111, rtp.PayloadType);
                audio.Add((rtp.SequenceNumber, rtp.Payload[0]));
            }
            else
            {
                Assert.Equal(videoSlot, rtp.Ssrc);
                Assert.Equal(96, rtp.PayloadType);
                Assert.True(rtp.Marker);
                video.Add((rtp.SequenceNumber, rtp.Payload[0]));
            }
        }
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (byte)i), audio.Select(a => a.First));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (ushort)(1000 + i)), audio.Select(a => a.Seq));
        Assert.Equal(49, video.Count);
        Assert.DoesNotContain(video, v => v.Seq == Lost);
        Assert.Equal(0, receiver.DecryptFailures);

        // Receiver -> bridge SRTCP: a PLI on the video slot reaches the publisher as a PLI on its own SSRC.
        var rtcp = new byte[64];
        var pliLength = RtcpWriter.WritePli(rtcp, 0xABCD, videoSlot);
        receiver.SendRtcp(rtcp.AsSpan(0, pliLength));
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => CountPli(publisher, 0x2222) >= 1, Wait), "no PLI reached the publisher");

        // NACK for the lost video packet: the bridge resends it from its cache.
        receiver.LoseIf = null;
        var before = receiver.ReceivedRtp.Count;
        var nackLength = RtcpWriter.WriteNack(rtcp, 0xABCD, videoSlot, [Lost]);
        receiver.SendRtcp(rtcp.AsSpan(0, nackLength));
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => receiver.ReceivedRtp.Count > before, Wait), "no retransmission");
        Assert.True(RtpPacket.TryParse(receiver.ReceivedRtp.Last(), out var resent));
        Assert.Equal(Lost, resent.SequenceNumber);
        Assert.Equal(10, resent.Payload[0]);
        Assert.Equal(videoSlot, resent.Ssrc);
        Assert.Equal(1, bridge.Counters.Retransmissions);

        // A receiver report's loss shows in the endpoint's stats.
        var rrLength = RtcpWriter.WriteReceiverReport(rtcp, 0xABCD, [new ReportBlock(videoSlot, 64, 3, 5049, 0, 0, 0)]);
        receiver.SendRtcp(rtcp.AsSpan(0, rrLength));
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => bridge.Http.GetFromJsonAsync<Bridge.Api.EndpointInfo>("/conferences/room/endpoints/view").Result!.ReportedLoss == 0.25, Wait));
    }

    [Fact]
    public async Task Keyframe_requests_from_many_receivers_are_merged()
    {
        await using var bridge = await TestBridge.StartAsync(o => o.KeyframeRequestIntervalMs = 2000);
        var (publisher, _) = await bridge.ConnectPeerAsync("room", "pub", publish: true);
        using var _p = publisher;
        var receivers = new List<(SimulatedPeer Peer, uint Slot)>();
        for (var i = 0; i < 3; i++)
        {
            var (peer, answer) = await bridge.ConnectPeerAsync("room", $"view{i}", publish: false);
            receivers.Add((peer, answer.Endpoint.Media.First(m => m.Kind == "video").SlotSsrc!.Value));
        }
        await bridge.WaitSecureAsync("room", "pub", "view0", "view1", "view2");
        // Slots learn their source from the first forwarded packet.
        publisher.SendRtp(0x2222, 96, 1, 0, new byte[100]);
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => receivers.All(r => !r.Peer.ReceivedRtp.IsEmpty), Wait));
        await Task.Delay(2100); // let the join-time keyframe request's throttle window pass
        var baseline = CountPli(publisher, 0x2222);
        var rtcp = new byte[32];
        for (var round = 0; round < 5; round++)
        {
            foreach (var (peer, slot) in receivers)
            {
                peer.SendRtcp(rtcp.AsSpan(0, RtcpWriter.WritePli(rtcp, 1, slot)));
            }
        }
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => bridge.Counters.KeyframeRequestsIn >= 15, Wait));
        await Task.Delay(200);
        Assert.Equal(baseline + 1, CountPli(publisher, 0x2222));
        foreach (var (peer, _) in receivers)
        {
            peer.Dispose();
        }
    }

    [Fact]
    public async Task Receiver_rtp_is_dropped_and_never_forwarded()
    {
        await using var bridge = await TestBridge.StartAsync();
        var (publisher, _) = await bridge.ConnectPeerAsync("room", "pub", publish: true);
        var (intruder, _) = await bridge.ConnectPeerAsync("room", "intruder", publish: false);
        var (viewer, _) = await bridge.ConnectPeerAsync("room", "view", publish: false);
        using var _p = publisher;
        using var _i = intruder;
        using var _v = viewer;
        await bridge.WaitSecureAsync("room", "pub", "intruder", "view");

        for (var i = 0; i < 20; i++)
        {
            intruder.SendRtp(0x7777, 111, (ushort)i, (uint)(i * 960), new byte[50]);
        }
        publisher.SendRtp(0x1111, 111, 1, 0, new byte[50]);
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => bridge.Counters.Dropped(Metrics.DropReason.ReceiverMedia) >= 20, Wait));
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => !viewer.ReceivedRtp.IsEmpty, Wait));
        await Task.Delay(100);
        Assert.Single(viewer.ReceivedRtp);
        Assert.Single(intruder.ReceivedRtp); // the intruder still receives the publisher
        Assert.Equal(20, bridge.Counters.Dropped(Metrics.DropReason.ReceiverMedia));
    }

    [Fact]
    public async Task Two_participants_each_receive_the_other_and_never_themselves()
    {
        await using var bridge = await TestBridge.StartAsync();
        var (alice, aliceAnswer) = await bridge.ConnectPeerAsync("room", "alice", publish: true, receiveToo: true);
        var (bob, bobAnswer) = await bridge.ConnectPeerAsync("room", "bob", publish: true, audioSsrc: 0x3333, videoSsrc: 0x4444, receiveToo: true);
        using var _a = alice;
        using var _b = bob;
        await bridge.WaitSecureAsync("room", "alice", "bob");
        // Each answer: the two sending sections received by the bridge, then 3 audio + 1 video slots.
        Assert.Equal(["recvonly", "recvonly", "sendonly", "sendonly", "sendonly", "sendonly"], aliceAnswer.Endpoint.Media.Select(m => m.Direction));

        for (ushort i = 1; i <= 20; i++)
        {
            alice.SendRtp(0x1111, 111, i, i * 960u, [0xA]);
            alice.SendRtp(0x2222, 96, i, i * 3000u, [0xA]);
            bob.SendRtp(0x3333, 111, i, i * 960u, [0xB]);
            bob.SendRtp(0x4444, 96, i, i * 3000u, [0xB]);
        }
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => alice.ReceivedRtp.Count >= 40 && bob.ReceivedRtp.Count >= 40, Wait));
        await Task.Delay(100);
        foreach (var (peer, answer, other) in new[] { (alice, aliceAnswer, (byte)0xB), (bob, bobAnswer, (byte)0xA) })
        {
            Assert.Equal(40, peer.ReceivedRtp.Count);
            var videoSlot = answer.Endpoint.Media.Single(m => m.Kind == "video" && m.SlotSsrc is not null).SlotSsrc!.Value;
            Assert.All(peer.ReceivedRtp, p => Assert.True(RtpPacket.TryParse(p, out var rtp) && rtp.Payload[0] == other));
            Assert.Equal(20, peer.ReceivedRtp.Count(p => RtpPacket.TryParse(p, out var rtp) && rtp.Ssrc == videoSlot));
        }
    }

    private static int CountPli(SimulatedPeer peer, uint mediaSsrc)
    {
        var count = 0;
        foreach (var compound in peer.ReceivedRtcp)
        {
            var reader = new RtcpCompoundReader(compound);
            while (reader.TryReadNext(out var packet))
            {
                if (PictureLossIndication.TryParse(packet, out var pli) && pli.MediaSsrc == mediaSsrc)
                {
                    count++;
                }
            }
        }
        return count;
    }
}
