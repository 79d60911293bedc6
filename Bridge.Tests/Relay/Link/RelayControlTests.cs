using BridgeRelay.Link;

namespace Bridge.Tests.Relay.Link;

public class RelayControlTests
{
    [Fact]
    public void Keepalive_and_ack_round_trip_with_exact_bytes()
    {
        byte[] buffer = new byte[16];

        Assert.Equal(9, RelayControl.WriteKeepalive(buffer, 0x0102030405060708));
        Assert.Equal(Convert.FromHexString("010102030405060708"), buffer[..9]);
        Assert.True(RelayControl.TryReadType(buffer.AsSpan(0, 9), out RelayControlType type));
        Assert.Equal(RelayControlType.Keepalive, type);
        Assert.True(RelayControl.TryReadKeepalive(buffer.AsSpan(0, 9), out ulong ticks));
        Assert.Equal(0x0102030405060708UL, ticks);
        Assert.False(RelayControl.TryReadKeepaliveAck(buffer.AsSpan(0, 9), out _));

        Assert.Equal(9, RelayControl.WriteKeepaliveAck(buffer, ulong.MaxValue));
        Assert.True(RelayControl.TryReadKeepaliveAck(buffer.AsSpan(0, 9), out ulong echoed));
        Assert.Equal(ulong.MaxValue, echoed);
        Assert.False(RelayControl.TryReadKeepalive(buffer.AsSpan(0, 9), out _));
    }

    [Fact]
    public void Subscribe_round_trips_including_the_empty_set()
    {
        byte[] buffer = new byte[2048];
        uint[] wanted = [0x11111111, 0xDEADBEEF, 7];

        int written = RelayControl.WriteSubscribe(buffer, wanted);

        Assert.Equal(3 + 12, written);
        Assert.Equal(Convert.FromHexString("030003" + "11111111DEADBEEF00000007"), buffer[..written]);
        Assert.True(RelayControl.TryReadSubscribe(buffer.AsSpan(0, written), out RelaySourceIdList list));
        Assert.Equal(wanted, Enumerable.Range(0, list.Count).Select(i => ReadAt(buffer.AsSpan(0, written), i)).ToArray());

        written = RelayControl.WriteSubscribe(buffer, []);
        Assert.Equal(3, written);
        Assert.True(RelayControl.TryReadSubscribe(buffer.AsSpan(0, written), out list));
        Assert.Equal(0, list.Count);

        static uint ReadAt(ReadOnlySpan<byte> payload, int i) => RelayControl.TryReadSubscribe(payload, out RelaySourceIdList l) ? l.Get(i) : 0;
    }

    [Fact]
    public void Subscribe_is_bounded_to_256_sources()
    {
        byte[] buffer = new byte[4096];
        uint[] max = [.. Enumerable.Range(1, 256).Select(i => (uint)i)];

        int written = RelayControl.WriteSubscribe(buffer, max);
        Assert.Equal(3 + 1024, written);
        Assert.True(RelayControl.TryReadSubscribe(buffer.AsSpan(0, written), out RelaySourceIdList list));
        Assert.Equal(256, list.Count);
        Assert.Equal(256u, list.Get(255));

        Assert.Equal(0, RelayControl.WriteSubscribe(buffer, [.. max, 257u]));

        // A hand-made 257-entry message is refused by the reader too.
        buffer[1] = 0x01;
        buffer[2] = 0x01;
        Assert.False(RelayControl.TryReadSubscribe(buffer.AsSpan(0, 3 + (257 * 4)), out _));
    }

    [Fact]
    public void Source_announce_round_trips_every_entry_field()
    {
        byte[] buffer = new byte[256];
        RelaySourceEntry[] entries =
        [
            new(0xAABBCCDD, RelaySourceKind.Audio, 0, 111, 48000),
            new(0x01020304, RelaySourceKind.Video, 3, 96, 90000),
        ];

        int written = RelayControl.WriteSourceAnnounce(buffer, entries);

        Assert.Equal(3 + 22, written);
        Assert.Equal(Convert.FromHexString("040002" + "AABBCCDD00006F0000BB80" + "0102030401036000015F90"), buffer[..written]);
        Assert.True(RelayControl.TryReadSourceAnnounce(buffer.AsSpan(0, written), out RelaySourceAnnouncement announcement));
        Assert.Equal(2, announcement.Count);
        Assert.Equal(entries[0], announcement.Get(0));
        Assert.Equal(entries[1], announcement.Get(1));
    }

    [Fact]
    public void Source_announce_rejects_invalid_entries_on_both_sides()
    {
        byte[] buffer = new byte[64];
        Assert.Equal(0, RelayControl.WriteSourceAnnounce(buffer, [new(1, (RelaySourceKind)2, 0, 96, 90000)]));
        Assert.Equal(0, RelayControl.WriteSourceAnnounce(buffer, [new(1, RelaySourceKind.Video, 0, 128, 90000)]));
        Assert.Equal(0, RelayControl.WriteSourceAnnounce(buffer, [new(1, RelaySourceKind.Video, 0, 96, 0)]));

        int written = RelayControl.WriteSourceAnnounce(buffer, [new(1, RelaySourceKind.Video, 0, 96, 90000)]);
        Assert.Equal(14, written);
        foreach ((int offset, byte value) in new[] { (3 + 4, (byte)2), (3 + 6, (byte)0x80) })
        {
            byte[] bad = buffer[..written];
            bad[offset] = value;
            Assert.False(RelayControl.TryReadSourceAnnounce(bad, out _));
        }

        byte[] zeroClock = buffer[..written];
        zeroClock[10] = zeroClock[11] = zeroClock[12] = zeroClock[13] = 0;
        Assert.False(RelayControl.TryReadSourceAnnounce(zeroClock, out _));
    }

    [Fact]
    public void Keyframe_request_round_trips()
    {
        byte[] buffer = new byte[5];

        Assert.Equal(5, RelayControl.WriteKeyframeRequest(buffer, 0xFEEDF00D));
        Assert.Equal(Convert.FromHexString("05FEEDF00D"), buffer);
        Assert.True(RelayControl.TryReadKeyframeRequest(buffer, out uint source));
        Assert.Equal(0xFEEDF00Du, source);
    }

    [Fact]
    public void Nack_round_trips_and_is_bounded_to_1_through_256()
    {
        byte[] buffer = new byte[1024];

        int written = RelayControl.WriteNack(buffer, 0x0A0B0C0D, [1, 0xFFFF, 300]);

        Assert.Equal(7 + 6, written);
        Assert.Equal(Convert.FromHexString("060A0B0C0D0003" + "0001FFFF012C"), buffer[..written]);
        Assert.True(RelayControl.TryReadNack(buffer.AsSpan(0, written), out RelayNack nack));
        Assert.Equal(0x0A0B0C0Du, nack.SourceId);
        Assert.Equal(3, nack.Count);
        Assert.Equal(new ushort[] { 1, 0xFFFF, 300 }, new[] { nack.Get(0), nack.Get(1), nack.Get(2) });

        ushort[] max = [.. Enumerable.Range(0, 256).Select(i => (ushort)i)];
        Assert.Equal(7 + 512, RelayControl.WriteNack(buffer, 1, max));
        Assert.Equal(0, RelayControl.WriteNack(buffer, 1, [.. max, 256]));
        Assert.Equal(0, RelayControl.WriteNack(buffer, 1, []));
        Assert.False(RelayControl.TryReadNack(Convert.FromHexString("06000000010000"), out _));
    }

    [Fact]
    public void Writers_return_zero_when_the_message_does_not_fit()
    {
        Assert.Equal(0, RelayControl.WriteKeepalive(new byte[8], 1));
        Assert.Equal(0, RelayControl.WriteKeepaliveAck(new byte[8], 1));
        Assert.Equal(0, RelayControl.WriteSubscribe(new byte[6], [1]));
        Assert.Equal(0, RelayControl.WriteSourceAnnounce(new byte[13], [new(1, RelaySourceKind.Audio, 0, 111, 48000)]));
        Assert.Equal(0, RelayControl.WriteKeyframeRequest(new byte[4], 1));
        Assert.Equal(0, RelayControl.WriteNack(new byte[8], 1, [1]));
    }

    public static TheoryData<string> ValidMessages()
    {
        byte[] buffer = new byte[64];
        return
        [
            Convert.ToHexString(buffer, 0, RelayControl.WriteKeepalive(buffer, 5)),
            Convert.ToHexString(buffer, 0, RelayControl.WriteKeepaliveAck(buffer, 5)),
            Convert.ToHexString(buffer, 0, RelayControl.WriteSubscribe(buffer, [1, 2])),
            Convert.ToHexString(buffer, 0, RelayControl.WriteSourceAnnounce(buffer, [new(1, RelaySourceKind.Audio, 0, 111, 48000)])),
            Convert.ToHexString(buffer, 0, RelayControl.WriteKeyframeRequest(buffer, 9)),
            Convert.ToHexString(buffer, 0, RelayControl.WriteNack(buffer, 9, [4, 5])),
        ];
    }

    [Theory]
    [MemberData(nameof(ValidMessages))]
    public void Every_truncation_and_extension_is_rejected_by_the_matching_reader(string hex)
    {
        byte[] message = Convert.FromHexString(hex);
        Assert.True(ReadAny(message), "the intact message must parse");

        for (int length = 0; length < message.Length; length++)
        {
            Assert.False(ReadAny(message.AsSpan(0, length)), $"length {length}");
        }

        Assert.False(ReadAny([.. message, 0]));
    }

    [Fact]
    public void Random_payloads_never_throw_and_parsed_views_stay_in_bounds()
    {
        var random = new Random(99);
        byte[] buffer = new byte[600];
        int parsed = 0;
        for (int i = 0; i < 100_000; i++)
        {
            int length = random.Next(0, buffer.Length);
            Span<byte> payload = buffer.AsSpan(0, length);
            random.NextBytes(payload);
            if (length > 0)
            {
                payload[0] = (byte)random.Next(0, 8);
            }

            if (length >= 3 && random.Next(2) == 0)
            {
                // Make the count consistent with the length half the time so list readers get past the length check.
                int entrySize = payload[0] == (byte)RelayControlType.SourceAnnounce ? 11 : 4;
                payload[1] = 0;
                payload[2] = (byte)Math.Min(255, (length - 3) / entrySize);
            }

            parsed += ReadAny(payload) ? 1 : 0;
        }

        Assert.InRange(parsed, 1, 99_999);
    }

    /// <summary>Parses with the reader the type byte names and touches every element of a view.</summary>
    private static bool ReadAny(ReadOnlySpan<byte> payload)
    {
        if (!RelayControl.TryReadType(payload, out RelayControlType type))
        {
            return false;
        }

        long sum = 0;
        bool ok;
        switch (type)
        {
            case RelayControlType.Keepalive:
                ok = RelayControl.TryReadKeepalive(payload, out _);
                break;
            case RelayControlType.KeepaliveAck:
                ok = RelayControl.TryReadKeepaliveAck(payload, out _);
                break;
            case RelayControlType.Subscribe:
                ok = RelayControl.TryReadSubscribe(payload, out RelaySourceIdList ids);
                for (int i = 0; ok && i < ids.Count; i++)
                {
                    sum += ids.Get(i);
                }

                break;
            case RelayControlType.SourceAnnounce:
                ok = RelayControl.TryReadSourceAnnounce(payload, out RelaySourceAnnouncement announcement);
                for (int i = 0; ok && i < announcement.Count; i++)
                {
                    sum += announcement.Get(i).ClockRate;
                }

                break;
            case RelayControlType.KeyframeRequest:
                ok = RelayControl.TryReadKeyframeRequest(payload, out _);
                break;
            default:
                ok = RelayControl.TryReadNack(payload, out RelayNack nack);
                for (int i = 0; ok && i < nack.Count; i++)
                {
                    sum += nack.Get(i);
                }

                break;
        }

        return ok && sum >= 0;
    }
}
