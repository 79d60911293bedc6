using System.Collections.Concurrent;
using System.Net.Http.Json;
using Bridge.Api;
using Bridge.Client;
using Bridge.Rtp;
using Bridge.Tests.Support;
using BridgeRelay.Tree;

namespace Bridge.Tests.Relay;

/// <summary>
/// Real bridges in this process wired into a relay tree over loopback UDP: media from a publisher at
/// the core reaches receivers two relay hops away; links carry only what someone below wants; loss on
/// a link is repaired from the nearest cache; a dead middle bridge is routed around.
/// </summary>
public sealed class RelayFleetTests
{
    private const string Room = "room";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private sealed record Viewer(string Bridge, SimulatedPeer Peer, uint[] AudioSlots, uint VideoSlot);

    [Fact]
    public async Task Two_level_tree_delivers_every_packet_to_every_leaf_and_carries_only_wanted_sources()
    {
        var bridges = Enumerable.Range(1, 16).Select(i => $"b{i}").ToList();
        var tree = TreePlanner.Plan(["core"], bridges, 8);
        Assert.Equal(2, tree.MaxDepth);
        await using var fleet = await TestFleet.StartAsync(["core", .. bridges]);
        await fleet.CreateConferenceAsync(Room);
        await fleet.LinkTreeAsync(tree);

        var core = fleet.Bridges["core"];
        var (first, _) = await core.ConnectPeerAsync(Room, "pub1", publish: true);
        var (second, _) = await core.ConnectPeerAsync(Room, "pub2", publish: true, audioSsrc: 0x3333, videoSsrc: 0x4444);
        using var _1 = first;
        using var _2 = second;
        var leaves = tree.Bridges.Where(b => b != "core" && tree.ChildrenOf(b).Count == 0).ToList();
        Assert.Equal(15, leaves.Count);
        var viewers = await ConnectViewersAsync(fleet, [.. leaves]);

        // pub1 audio + video and pub2 audio fill the slots (3 audio + 1 video); pub2's video (rank 1) nobody wants.
        ushort sequence = 0;
        void Round()
        {
            sequence++;
            first.SendRtp(0x1111, 111, sequence, sequence * 960u, new byte[60]);
            first.SendRtp(0x2222, 96, sequence, sequence * 3000u, new byte[400]);
            second.SendRtp(0x3333, 111, sequence, sequence * 960u, new byte[60]);
            second.SendRtp(0x4444, 96, sequence, sequence * 3000u, new byte[400]);
        }
        await WarmUpAsync(viewers, Round, slotsPerViewer: 3);

        var links = tree.Bridges.Where(b => tree.ParentOf(b) is not null).Select(b => fleet.Link(tree.ParentOf(b)!, tree.ParentOf(b)!, b)).ToList();
        var linkBefore = links.Select(l => Volatile.Read(ref l.MediaPacketsOut)).ToList();
        var received = viewers.Select(v => v.Peer.ReceivedRtp.Count).ToList();
        const int Rounds = 50;
        for (var i = 0; i < Rounds; i++)
        {
            Round();
            await Task.Delay(4);
        }
        for (var v = 0; v < viewers.Count; v++)
        {
            var viewer = viewers[v];
            var expected = received[v] + 3 * Rounds;
            Assert.True(await SimulatedPeer.WaitUntilAsync(() => viewer.Peer.ReceivedRtp.Count >= expected, Wait),
                $"viewer on {viewer.Bridge} received {viewer.Peer.ReceivedRtp.Count - received[v]} of {3 * Rounds}");
        }
        await Task.Delay(200);
        for (var v = 0; v < viewers.Count; v++)
        {
            Assert.Equal(received[v] + 3 * Rounds, viewers[v].Peer.ReceivedRtp.Count);
            Assert.Equal(0, viewers[v].Peer.DecryptFailures);
        }
        // Every link carried exactly the three wanted sources, never pub2's video.
        for (var i = 0; i < links.Count; i++)
        {
            Assert.Equal(3 * Rounds, Volatile.Read(ref links[i].MediaPacketsOut) - linkBefore[i]);
        }
        Dispose(viewers);
    }

    [Fact]
    public async Task Loss_on_a_link_is_repaired_from_the_nearest_cache()
    {
        await using var fleet = await TestFleet.StartAsync(["core", "mid", "leaf"], o => o.AudioPacketCacheSize = 512);
        await fleet.CreateConferenceAsync(Room);
        await fleet.LinkAsync("core", "mid");
        await fleet.LinkAsync("mid", "leaf");
        var (publisher, _) = await fleet.Bridges["core"].ConnectPeerAsync(Room, "pub", publish: true);
        using var _p = publisher;
        var viewers = await ConnectViewersAsync(fleet, ["leaf", "leaf"]);
        ushort sequence = 0;
        await WarmUpAsync(viewers, () => publisher.SendRtp(0x1111, 111, ++sequence, sequence * 960u, new byte[60]), slotsPerViewer: 1);

        // 5% of the media on mid -> leaf is lost; the packets are still in mid's cache.
        var random = new Random(5);
        var lossy = fleet.Link("mid", "mid", "leaf");
        lossy.LossHook = () => random.Next(100) < 5;
        var start = (ushort)(sequence + 1);
        const int Count = 400;
        for (var i = 0; i < Count; i++)
        {
            publisher.SendRtp(0x1111, 111, ++sequence, sequence * 960u, new byte[60]);
            await Task.Delay(1);
        }
        lossy.LossHook = null;

        foreach (var viewer in viewers)
        {
            var missing = await RecoverAsync(viewer, start, Count);
            Assert.True(missing == 0, $"{missing} audio packets unrecovered");
        }
        Assert.True(fleet.Bridges["mid"].Counters.RelayRetransmissions > 0, "mid answered no NACK");
        Assert.Equal(0, fleet.Bridges["core"].Counters.RelayRetransmissions);
        Assert.Equal(0, fleet.Bridges["mid"].Counters.RelayNacksPassedUp);
        Dispose(viewers);
    }

    [Fact]
    public async Task Killing_a_middle_bridge_reparents_its_children_and_media_returns_within_5_seconds()
    {
        var bridges = Enumerable.Range(1, 6).Select(i => $"b{i}").ToList();
        var tree = TreePlanner.Plan(["core"], bridges, 2); // core -> b1, b2; b1 -> b3, b4; b2 -> b5, b6
        await using var fleet = await TestFleet.StartAsync(["core", .. bridges], o => o.RelayDownAfterSeconds = 1);
        await fleet.CreateConferenceAsync(Room);
        await fleet.LinkTreeAsync(tree);
        var (publisher, _) = await fleet.Bridges["core"].ConnectPeerAsync(Room, "pub", publish: true);
        using var _p = publisher;
        var viewers = await ConnectViewersAsync(fleet, ["b3", "b4", "b5", "b6", "b2"]);
        using var sending = new CancellationTokenSource();
        ushort sequence = 0;
        await WarmUpAsync(viewers, () => publisher.SendRtp(0x1111, 111, ++sequence, sequence * 960u, new byte[60]), slotsPerViewer: 1);
        var pump = Task.Run(async () =>
        {
            while (!sending.IsCancellationRequested)
            {
                publisher.SendRtp(0x1111, 111, ++sequence, sequence * 960u, new byte[60]);
                await Task.Delay(20);
            }
        });

        await fleet.KillAsync("b1");
        var killedAt = DateTime.UtcNow;
        // The control plane sees the link down, re-plans, and re-links the orphans.
        var downLink = fleet.Link("core", "core", "b1");
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => downLink.Health.State == BridgeRelay.Link.RelayLinkState.Down, TimeSpan.FromSeconds(3)));
        // ...as the control API and /metrics report it.
        var coreApi = fleet.Bridges["core"].Http;
        var reported = await coreApi.GetFromJsonAsync<List<RelayInfo>>("/relays");
        Assert.Equal("down", reported!.Single(r => r.PeerId == "b1").State);
        Assert.Equal("up", reported!.Single(r => r.PeerId == "b2").State);
        Assert.Contains("bridge_relay_links{state=\"down\"} 1", await coreApi.GetStringAsync("/metrics"), StringComparison.Ordinal);
        var replanned = TreePlanner.Remove(tree, "b1", out var changes);
        Assert.Equal(2, replanned.MaxDepth);
        await fleet.ApplyAsync(changes);
        var survivors = viewers.Where(v => v.Bridge != "b1").ToList();
        var counts = survivors.Select(v => v.Peer.ReceivedRtp.Count).ToList();
        for (var i = 0; i < survivors.Count; i++)
        {
            var viewer = survivors[i];
            var before = counts[i];
            Assert.True(await SimulatedPeer.WaitUntilAsync(() => viewer.Peer.ReceivedRtp.Count > before + 5, killedAt + TimeSpan.FromSeconds(5) - DateTime.UtcNow),
                $"viewer on {viewer.Bridge} got no media within 5 s of the kill");
        }
        await sending.CancelAsync();
        await pump;
        Dispose(viewers);
    }

    [Fact]
    public async Task Keyframe_requests_merge_at_every_hop_and_sender_reports_reach_every_leaf()
    {
        await using var fleet = await TestFleet.StartAsync(["core", "mid", "leaf1", "leaf2"], o => o.KeyframeRequestIntervalMs = 3000);
        await fleet.CreateConferenceAsync(Room);
        await fleet.LinkAsync("core", "mid");
        await fleet.LinkAsync("mid", "leaf1");
        await fleet.LinkAsync("mid", "leaf2");
        var (publisher, _) = await fleet.Bridges["core"].ConnectPeerAsync(Room, "pub", publish: true);
        using var _p = publisher;
        var viewers = await ConnectViewersAsync(fleet, ["leaf1", "leaf1", "leaf2", "leaf2"]);
        ushort sequence = 0;
        void Round()
        {
            sequence++;
            publisher.SendRtp(0x1111, 111, sequence, sequence * 960u, new byte[60]);
            publisher.SendRtp(0x2222, 96, sequence, 90_000u + sequence * 3000u, new byte[200]);
        }
        await WarmUpAsync(viewers, Round, slotsPerViewer: 2);
        await Task.Delay(3100); // the join-time keyframe requests' throttle windows pass

        var pliBefore = CountRtcp(publisher, p => PictureLossIndication.TryParse(p, out var pli) && pli.MediaSsrc == 0x2222);
        var rtcp = new byte[64];
        for (var round = 0; round < 5; round++)
        {
            foreach (var viewer in viewers)
            {
                viewer.Peer.SendRtcp(rtcp.AsSpan(0, RtcpWriter.WritePli(rtcp, 1, viewer.VideoSlot)));
            }
            await Task.Delay(20);
        }
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => fleet.Bridges["core"].Counters.KeyframeRequestsIn >= 1, Wait));
        await Task.Delay(300);
        // 20 requests from 4 receivers on 2 leaves: one per leaf reaches mid, one from mid reaches core, one PLI reaches the publisher.
        Assert.Equal(20, fleet.Bridges["leaf1"].Counters.KeyframeRequestsIn + fleet.Bridges["leaf2"].Counters.KeyframeRequestsIn);
        Assert.Equal(2, fleet.Bridges["mid"].Counters.KeyframeRequestsIn);
        Assert.Equal(1, fleet.Bridges["core"].Counters.KeyframeRequestsIn);
        Assert.Equal(pliBefore + 1, CountRtcp(publisher, p => PictureLossIndication.TryParse(p, out var pli) && pli.MediaSsrc == 0x2222));

        // A sender report of the video source reaches every viewer under its slot SSRC.
        var report = new byte[64];
        var reportLength = RtcpWriter.WriteSenderReport(report, 0x2222, 0xE000_0000_0000_0000, 90_000u + sequence * 3000u, sequence, sequence * 200u);
        publisher.SendRtcp(report.AsSpan(0, reportLength));
        foreach (var viewer in viewers)
        {
            Assert.True(await SimulatedPeer.WaitUntilAsync(() => CountRtcp(viewer.Peer, p => SenderReport.TryParse(p, out var sr) && sr.Ssrc == viewer.VideoSlot && sr.NtpTimestamp == 0xE000_0000_0000_0000) == 1, Wait),
                $"no sender report at the viewer on {viewer.Bridge}");
        }
        Dispose(viewers);
    }

    [Fact]
    public async Task Core_mesh_delivers_the_publishers_of_both_cores_everywhere_with_one_ranking_and_no_loop()
    {
        await using var fleet = await TestFleet.StartAsync(["c1", "c2", "l1", "l2"]);
        await fleet.CreateConferenceAsync(Room);
        await fleet.MeshAsync("c1", "c2");
        await fleet.LinkAsync("c1", "l1");
        await fleet.LinkAsync("c2", "l2");
        var (one, _) = await fleet.Bridges["c1"].ConnectPeerAsync(Room, "pub1", publish: true);
        var (two, _) = await fleet.Bridges["c2"].ConnectPeerAsync(Room, "pub2", publish: true, audioSsrc: 0x3333, videoSsrc: 0x4444);
        using var _1 = one;
        using var _2 = two;
        var viewers = await ConnectViewersAsync(fleet, ["c1", "c2", "l1", "l2"]);
        ushort sequence = 0;
        void Round()
        {
            sequence++;
            one.SendRtp(0x1111, 111, sequence, sequence * 960u, [1]);
            one.SendRtp(0x2222, 96, sequence, sequence * 3000u, [1]);
            two.SendRtp(0x3333, 111, sequence, sequence * 960u, [2]);
            two.SendRtp(0x4444, 96, sequence, sequence * 3000u, [2]);
        }
        await WarmUpAsync(viewers, Round, slotsPerViewer: 3);
        // Until the cores have exchanged announcements, c2 ranks its own publisher first.
        bool ShowsPub1(Viewer viewer) => viewer.Peer.ReceivedRtp.LastOrDefault(p => RtpPacket.TryParse(p, out var rtp) && rtp.Ssrc == viewer.VideoSlot) is { } last
            && RtpPacket.TryParse(last, out var video) && video.Payload[0] == 1;
        var deadline = DateTime.UtcNow + Wait;
        while (!viewers.All(ShowsPub1))
        {
            Assert.True(DateTime.UtcNow < deadline, "the cores never agreed on the video ranking");
            Round();
            await Task.Delay(20);
        }
        await Task.Delay(100);
        var before = viewers.Select(v => v.Peer.ReceivedRtp.Count).ToList();
        const int Rounds = 40;
        for (var i = 0; i < Rounds; i++)
        {
            Round();
            await Task.Delay(4);
        }
        for (var v = 0; v < viewers.Count; v++)
        {
            var viewer = viewers[v];
            var expected = before[v] + 3 * Rounds;
            Assert.True(await SimulatedPeer.WaitUntilAsync(() => viewer.Peer.ReceivedRtp.Count >= expected, Wait), $"viewer on {viewer.Bridge}");
        }
        await Task.Delay(200);
        for (var v = 0; v < viewers.Count; v++)
        {
            var viewer = viewers[v];
            // Exactly once each (a loop would duplicate), and once the cores exchanged announcements every
            // bridge shows the same video: pub1's (rank 0, lower SSRC).
            Assert.Equal(before[v] + 3 * Rounds, viewer.Peer.ReceivedRtp.Count);
            var counted = viewer.Peer.ReceivedRtp.Skip(before[v]).ToList();
            var video = counted.Where(p => RtpPacket.TryParse(p, out var rtp) && rtp.Ssrc == viewer.VideoSlot).ToList();
            Assert.All(video, p => Assert.True(RtpPacket.TryParse(p, out var rtp) && rtp.Payload[0] == 1, $"viewer on {viewer.Bridge} shows pub2's video"));
            var audioFrom = counted
                .Select(p => RtpPacket.TryParse(p, out var rtp) && rtp.Ssrc != viewer.VideoSlot ? rtp.Payload[0] : (byte)0)
                .Where(b => b != 0).Distinct().Order().ToArray();
            Assert.Equal(new byte[] { 1, 2 }, audioFrom);
        }
        Dispose(viewers);
    }

    private delegate bool RtcpMatch(RtcpPacket packet);

    private static int CountRtcp(SimulatedPeer peer, RtcpMatch match)
    {
        var count = 0;
        foreach (var compound in peer.ReceivedRtcp)
        {
            var reader = new RtcpCompoundReader(compound);
            while (reader.TryReadNext(out var packet))
            {
                count += match(packet) ? 1 : 0;
            }
        }
        return count;
    }

    private static async Task<List<Viewer>> ConnectViewersAsync(TestFleet fleet, string[] bridges)
    {
        var viewers = new List<Viewer>();
        for (var i = 0; i < bridges.Length; i++)
        {
            var bridge = fleet.Bridges[bridges[i]];
            var (peer, answer) = await bridge.ConnectPeerAsync(Room, $"view{i}", publish: false);
            await bridge.WaitSecureAsync(Room, $"view{i}");
            var audio = answer.Endpoint.Media.Where(m => m.Kind == "audio").Select(m => m.SlotSsrc!.Value).ToArray();
            viewers.Add(new Viewer(bridges[i], peer, audio, answer.Endpoint.Media.First(m => m.Kind == "video").SlotSsrc!.Value));
        }
        return viewers;
    }

    // Sends rounds until every viewer receives on as many slots as expected: subscriptions have propagated.
    private static async Task WarmUpAsync(List<Viewer> viewers, Action round, int slotsPerViewer)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!viewers.All(v => DistinctSsrcs(v.Peer.ReceivedRtp) >= slotsPerViewer))
        {
            Assert.True(DateTime.UtcNow < deadline, $"warm-up: {string.Join(", ", viewers.Select(v => $"{v.Bridge}:{DistinctSsrcs(v.Peer.ReceivedRtp)}"))}");
            round();
            await Task.Delay(20);
        }
        await Task.Delay(100);
    }

    private static int DistinctSsrcs(ConcurrentQueue<byte[]> packets) =>
        packets.Select(p => RtpPacket.TryParse(p, out var rtp) ? rtp.Ssrc : 0).Distinct().Count();

    // The receiver side of NACK: ask for the gaps until none is left or 5 s pass; returns what is still missing.
    private static async Task<int> RecoverAsync(Viewer viewer, ushort start, int count)
    {
        var rtcp = new byte[1500];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            var have = viewer.Peer.ReceivedRtp
                .Select(p => RtpPacket.TryParse(p, out var rtp) && rtp.Ssrc == viewer.AudioSlots[0] ? rtp.SequenceNumber : (int?)null)
                .Where(s => s is not null).Select(s => (ushort)s!.Value).ToHashSet();
            var missing = Enumerable.Range(0, count).Select(i => (ushort)(start + i)).Where(s => !have.Contains(s)).ToArray();
            if (missing.Length == 0 || DateTime.UtcNow > deadline)
            {
                return missing.Length;
            }
            var length = RtcpWriter.WriteNack(rtcp, 0x5EED, viewer.AudioSlots[0], missing.Take(200).ToArray());
            viewer.Peer.SendRtcp(rtcp.AsSpan(0, length));
            await Task.Delay(100);
        }
    }

    private static void Dispose(IEnumerable<Viewer> viewers)
    {
        foreach (var viewer in viewers)
        {
            viewer.Peer.Dispose();
        }
    }
}
