using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using Bridge.Api;
using Bridge.Client;
using Bridge.Metrics;
using Bridge.Relay;
using Bridge.Rtp;
using Bridge.Tests.Support;
using BridgeRelay.Link;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Relay;

/// <summary>
/// The test plays a parent bridge on a real socket: relay datagrams with a wrong key, a replayed
/// sequence, a looping hop count, from a child, or from an unknown address are dropped, counted, and
/// never reach a receiver.
/// </summary>
public sealed class RelayHostileInputTests
{
    private const uint LinkId = 9;

    [Fact]
    public async Task Forged_replayed_and_looping_relay_datagrams_are_dropped_counted_and_never_forwarded()
    {
        await using var bridge = await TestBridge.StartAsync(o => o.BridgeId = "leaf");
        (await bridge.Http.PutAsync("/conferences/room", null)).EnsureSuccessStatusCode();
        using var parent = await FakeRelayPeer.LinkAsync(bridge, LinkId, "core", "leaf", "parent");
        var (viewer, _) = await bridge.ConnectPeerAsync("room", "view", publish: false);
        using var _v = viewer;
        await bridge.WaitSecureAsync("room", "view");

        var cipher = parent.Cipher;
        var conference = RelayHeader.ConferenceIdOf("room");
        void Send(RelayCipher with, RelayKind kind, byte hops, uint source, ReadOnlySpan<byte> payload, Socket? from = null) =>
            parent.Send(kind, hops, conference, source, payload, with, from);
        var announce = new byte[64];
        var announceLength = RelayControl.WriteSourceAnnounce(announce, [new RelaySourceEntry(0x1111, RelaySourceKind.Audio, 0, 111, 48000)]);
        Send(cipher, RelayKind.Control, 0, 0, announce.AsSpan(0, announceLength));

        // A valid packet arrives (the bridge subscribed after the announcement).
        ushort sequence = 1;
        byte[] Rtp(ushort seq)
        {
            var packet = new byte[40];
            packet[0] = 0x80;
            packet[1] = 111;
            RtpHeader.SetSequenceNumber(packet, seq);
            RtpHeader.SetSsrc(packet, 0x1111);
            return packet;
        }
        Assert.True(await SimulatedPeer.WaitUntilAsync(() =>
        {
            Send(cipher, RelayKind.Rtp, 1, 0x1111, Rtp(sequence++));
            return !viewer.ReceivedRtp.IsEmpty;
        }, TimeSpan.FromSeconds(10)), "a valid relayed packet never arrived");
        await Task.Delay(100);
        var link = bridge.Services.GetRequiredService<RelayManager>().Find(LinkId)!;
        var received = viewer.ReceivedRtp.Count;
        var replay = parent.LastSent(40); // the last accepted datagram

        using var wrongKey = new RelayCipher(RandomNumberGenerator.GetBytes(32), LinkId, "core", "leaf");
        for (var i = 0; i < 10; i++)
        {
            Send(wrongKey, RelayKind.Rtp, 1, 0x1111, Rtp(sequence++));
            parent.Socket.SendTo(replay, SocketFlags.None, bridge.MediaEndPoint);
            Send(cipher, RelayKind.Rtp, RelayHeader.MaxHops + 1, 0x1111, Rtp(sequence++));
            Send(cipher, RelayKind.Rtp, 1, 0x7777, Rtp(sequence++)); // a source the parent never announced
        }
        using var stranger = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stranger.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        for (var i = 0; i < 10; i++)
        {
            Send(cipher, RelayKind.Rtp, 1, 0x1111, Rtp(sequence++), stranger);
        }

        Assert.True(await SimulatedPeer.WaitUntilAsync(() =>
            link.Counters.DroppedBy(RelayDropReason.BadTag) == 10 && link.Counters.DroppedBy(RelayDropReason.Replayed) == 10
            && link.Counters.DroppedBy(RelayDropReason.HopLimit) == 10 && link.Counters.DroppedBy(RelayDropReason.Loop) == 10
            && bridge.Counters.Dropped(DropReason.RelayUnknownLink) == 10, TimeSpan.FromSeconds(5)),
            $"bad tag {link.Counters.DroppedBy(RelayDropReason.BadTag)}, replayed {link.Counters.DroppedBy(RelayDropReason.Replayed)}, hop limit {link.Counters.DroppedBy(RelayDropReason.HopLimit)}, loop {link.Counters.DroppedBy(RelayDropReason.Loop)}, unknown link {bridge.Counters.Dropped(DropReason.RelayUnknownLink)}");

        // Media from a link whose peer is our child would flow up the tree: a loop.
        (await bridge.Http.PutAsJsonAsync($"/relays/{LinkId}/role", new RelayRoleRequest("child"))).EnsureSuccessStatusCode();
        for (var i = 0; i < 5; i++)
        {
            Send(cipher, RelayKind.Rtp, 1, 0x1111, Rtp(sequence++));
        }
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => link.Counters.DroppedBy(RelayDropReason.Loop) == 15, TimeSpan.FromSeconds(5)));
        await Task.Delay(100);
        Assert.Equal(received, viewer.ReceivedRtp.Count);
        Assert.Equal(0, viewer.DecryptFailures);
        var metrics = await bridge.Http.GetStringAsync("/metrics");
        Assert.Contains("bridge_relay_dropped_packets_total{reason=\"badtag\"} 10", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Relay_api_refuses_bad_links_with_a_message_naming_the_problem()
    {
        await using var bridge = await TestBridge.StartAsync(o => o.BridgeId = "b");
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        async Task Expect(CreateRelayRequest body, System.Net.HttpStatusCode status, string message)
        {
            var response = await bridge.Http.PostAsJsonAsync("/relays", body);
            Assert.Equal(status, response.StatusCode);
            Assert.Contains(message, (await response.Content.ReadFromJsonAsync<ApiError>())!.Error, StringComparison.Ordinal);
        }
        await Expect(new CreateRelayRequest(0, "p", "127.0.0.1", 5000, key, "parent"), HttpStatusCode.BadRequest, "id must be");
        await Expect(new CreateRelayRequest(1, "", "127.0.0.1", 5000, key, "parent"), HttpStatusCode.BadRequest, "peerId must be");
        await Expect(new CreateRelayRequest(1, "p", "nowhere", 5000, key, "parent"), HttpStatusCode.BadRequest, "host must be an IP address");
        await Expect(new CreateRelayRequest(1, "p", "127.0.0.1", 5000, "c2hvcnQ=", "parent"), HttpStatusCode.BadRequest, "key must be 32 bytes");
        await Expect(new CreateRelayRequest(1, "p", "127.0.0.1", 5000, key, "boss"), HttpStatusCode.BadRequest, "peerRole must be");
        await Expect(new CreateRelayRequest(1, "b", "127.0.0.1", 5000, key, "parent"), HttpStatusCode.BadRequest, "peerId must differ");
        Assert.Equal(HttpStatusCode.Created, (await bridge.Http.PostAsJsonAsync("/relays", new CreateRelayRequest(1, "p", "127.0.0.1", 5000, key, "parent"))).StatusCode);
        await Expect(new CreateRelayRequest(1, "q", "127.0.0.1", 5001, key, "parent"), HttpStatusCode.Conflict, "relay link 1 already exists");
        await Expect(new CreateRelayRequest(2, "q", "127.0.0.1", 5000, key, "parent"), HttpStatusCode.Conflict, "already exists");
        var links = await bridge.Http.GetFromJsonAsync<List<RelayInfo>>("/relays");
        Assert.Equal("down", Assert.Single(links!).State);
        Assert.Equal(HttpStatusCode.NoContent, (await bridge.Http.DeleteAsync("/relays/1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bridge.Http.DeleteAsync("/relays/1")).StatusCode);
    }
}
