using Bridge.Client;
using Bridge.Conferences;
using Bridge.Relay;
using Bridge.Tests.Support;
using BridgeRelay.Link;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Relay;

/// <summary>
/// Announcements too big for one datagram on a 1,500-byte path travel in parts: the test plays a mid bridge's parent and
/// child on real sockets. The bridge assembles a round only when all its parts arrived, and announces downward in parts of
/// at most 1,200 bytes.
/// </summary>
public sealed class RelayAnnouncePartsTests
{
    private const uint ParentLink = 9;
    private const uint ChildLink = 10;

    [Fact]
    public void Part_tags_round_trip_and_everything_else_is_no_part()
    {
        Assert.True(RelayAnnounceParts.TryReadTag(RelayAnnounceParts.Tag(0xBEEF, 2, 3), out var round, out var part, out var parts));
        Assert.Equal((0xBEEF, 2, 3), (round, part, parts));
        Assert.False(RelayAnnounceParts.TryReadTag(0, out _, out _, out _));
        Assert.False(RelayAnnounceParts.TryReadTag(0x0001_0001, out _, out _, out _)); // one part is no split
        Assert.False(RelayAnnounceParts.TryReadTag(0x0001_0303, out _, out _, out _)); // part 3 of 3
        Assert.False(RelayAnnounceParts.TryReadTag(0x0001_0009, out _, out _, out _)); // more than MaxParts
        Assert.Throws<ArgumentOutOfRangeException>(() => RelayAnnounceParts.Tag(1, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => RelayAnnounceParts.Tag(1, 3, 3));
    }

    [Fact]
    public void A_round_completes_in_any_order_once_and_another_round_starts_over()
    {
        var entries = Sources(30, 1).Chunk(10).Select(chunk =>
        {
            var payload = new byte[256];
            return payload[..RelayControl.WriteSourceAnnounce(payload, chunk)];
        }).ToArray();
        List<RelaySourceEntry>? Add(RelayAnnounceAssembly assembly, ushort round, int part)
        {
            Assert.True(RelayControl.TryReadSourceAnnounce(entries[part], out var announcement));
            return assembly.Add(round, part, 3, announcement);
        }
        var assembly = new RelayAnnounceAssembly();
        Assert.Null(Add(assembly, 7, 2));
        Assert.Null(Add(assembly, 7, 0));
        Assert.Null(Add(assembly, 7, 0));
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (uint)i), Add(assembly, 7, 1)!.Select(e => e.SourceId));
        // Round 8 loses part 1; round 9's parts never mix with round 8's.
        Assert.Null(Add(assembly, 8, 0));
        Assert.Null(Add(assembly, 8, 2));
        Assert.Null(Add(assembly, 9, 1));
        Assert.Null(Add(assembly, 9, 2));
        Assert.Equal(30, Add(assembly, 9, 0)!.Count);
    }

    [Fact]
    public async Task A_mid_bridge_takes_a_250_source_announcement_in_parts_keeps_it_over_a_round_with_a_lost_part_and_passes_it_on_in_parts()
    {
        await using var bridge = await TestBridge.StartAsync(o => o.BridgeId = "mid");
        (await bridge.Http.PutAsync("/conferences/room", null)).EnsureSuccessStatusCode();
        using var parent = await FakeRelayPeer.LinkAsync(bridge, ParentLink, "core", "mid", "parent");
        using var child = await FakeRelayPeer.LinkAsync(bridge, ChildLink, "leaf", "mid", "child");
        var conference = RelayHeader.ConferenceIdOf("room");
        var buffer = new byte[4096];
        void Announce(RelaySourceEntry[] entries, ushort round, params int[] only)
        {
            var parts = entries.Chunk(RelayAnnounceParts.EntriesPerPart).ToArray();
            for (var part = 0; part < parts.Length; part++)
            {
                if (only.Length == 0 || only.Contains(part))
                {
                    var payload = new byte[2048];
                    var length = RelayControl.WriteSourceAnnounce(payload, parts[part]);
                    parent.Send(RelayKind.Control, 0, conference, RelayAnnounceParts.Tag(round, part, parts.Length), payload.AsSpan(0, length));
                }
            }
        }
        var subscribe = new byte[8];
        child.Send(RelayKind.Control, 0, conference, 0, subscribe.AsSpan(0, RelayControl.WriteSubscribe(subscribe, [])));
        var room = bridge.Services.GetRequiredService<ConferenceManager>().FindConference("room")!;

        var first = Sources(250, 0x10000);
        ushort round = 1;
        Assert.True(await SimulatedPeer.WaitUntilAsync(() =>
        {
            Announce(first, round++);
            return room.RelayedSources.Length == 250;
        }, TimeSpan.FromSeconds(10)), $"the bridge holds {room.RelayedSources.Length} relayed sources");
        Assert.Equal(first.Select(e => e.SourceId).Order(), room.RelayedSources.Select(s => s.Ssrc).Order());

        // A round whose middle part is lost changes nothing; the next whole round replaces the set.
        var second = Sources(150, 0x20000);
        Announce(second, round++, 0, 2);
        await Task.Delay(300);
        Assert.Equal(250, room.RelayedSources.Length);
        Announce(second, round++);
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => room.RelayedSources.Length == 150, TimeSpan.FromSeconds(5)));

        // A part tag that names no valid part is malformed.
        var link = bridge.Services.GetRequiredService<RelayManager>().Find(ParentLink)!;
        var malformed = link.Counters.DroppedMalformed;
        var one = new byte[64];
        parent.Send(RelayKind.Control, 0, conference, 0x0005_0303, one.AsSpan(0, RelayControl.WriteSourceAnnounce(one, second.AsSpan(0, 1))));
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => link.Counters.DroppedMalformed > malformed, TimeSpan.FromSeconds(5)));
        Assert.Equal(150, room.RelayedSources.Length);

        // Downward: the child gets the 150 sources in parts, none over 1,200 bytes on the wire.
        var assembly = new RelayAnnounceAssembly();
        List<RelaySourceEntry>? whole = null;
        var largest = 0;
        child.Socket.ReceiveTimeout = 5_000;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (whole?.Count != 150 && DateTime.UtcNow < deadline)
        {
            var length = child.Socket.Receive(buffer);
            if (child.Cipher.Unprotect(buffer.AsSpan(0, length), out var header, out var offset, out var payloadLength) != RelayUnprotectResult.Ok
                || header.Kind != RelayKind.Control || !RelayControl.TryReadType(buffer.AsSpan(offset, payloadLength), out var type) || type != RelayControlType.SourceAnnounce)
            {
                continue;
            }
            largest = Math.Max(largest, length);
            Assert.True(RelayControl.TryReadSourceAnnounce(buffer.AsSpan(offset, payloadLength), out var part));
            if (header.SourceId == 0)
            {
                // A whole announcement (the ones sent before the parent's sources arrived) is small enough for one datagram.
                Assert.InRange(part.Count, 0, RelayAnnounceParts.EntriesPerPart);
                continue;
            }
            Assert.True(RelayAnnounceParts.TryReadTag(header.SourceId, out var r, out var index, out var count));
            whole = assembly.Add(r, index, count, part) ?? whole;
        }
        Assert.Equal(second.Select(e => e.SourceId).Order(), whole!.Select(e => e.SourceId).Order());
        Assert.InRange(largest + 28, 0, 1200);
    }

    private static RelaySourceEntry[] Sources(int count, uint first) =>
        [.. Enumerable.Range(0, count).Select(i => new RelaySourceEntry(first + (uint)i, i % 2 == 0 ? RelaySourceKind.Audio : RelaySourceKind.Video, (byte)(i / 2), i % 2 == 0 ? (byte)111 : (byte)96, i % 2 == 0 ? 48000u : 90000u))];
}
