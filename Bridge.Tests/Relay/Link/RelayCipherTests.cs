using BridgeRelay.Link;

namespace Bridge.Tests.Relay.Link;

public class RelayCipherTests
{
    internal const uint LinkId = 0x01020304;
    internal static readonly byte[] Key = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];

    internal static RelayCipher A() => new(Key, LinkId, "bridge-a", "bridge-b");

    internal static RelayCipher B() => new(Key, LinkId, "bridge-b", "bridge-a");

    internal static byte[] Protect(RelayCipher cipher, ReadOnlySpan<byte> payload, byte hops = 0, RelayKind kind = RelayKind.Rtp, uint conference = 0xCAFEBABE, uint source = 0x11223344)
    {
        byte[] datagram = new byte[payload.Length + RelayCipher.Overhead];
        Assert.True(cipher.TryProtect(kind, hops, LinkId, conference, source, payload, datagram, out int written));
        Assert.Equal(datagram.Length, written);
        return datagram;
    }

    [Fact]
    public void Matches_a_known_answer_computed_independently()
    {
        // Python 'cryptography': HKDF-SHA256(ikm 00..1f, no salt, info "xxl-relay v1 bridge-a>bridge-b") -> key 87770269..., salt 424104f2,
        // then AES-128-GCM(nonce salt||0000000000000001, aad header) of "relay payload".
        using RelayCipher a = A();

        byte[] datagram = Protect(a, "relay payload"u8, hops: 2);

        Assert.Equal(
            Convert.FromHexString("51010200010203040000000000000001cafebabe112233447b545b3ab3381f067b2219b0dcb7fe1c5c7e0ed1f2c169d7a76cb9c855"),
            datagram);
    }

    [Fact]
    public void Round_trips_in_both_directions_with_every_header_field()
    {
        using RelayCipher a = A();
        using RelayCipher b = B();
        byte[] payload = [.. Enumerable.Range(0, 200).Select(i => (byte)(i * 7))];

        byte[] fromA = Protect(a, payload, hops: 3, kind: RelayKind.Rtcp, conference: 42, source: 99);
        Assert.Equal(RelayUnprotectResult.Ok, b.Unprotect(fromA, out RelayHeader header, out int offset, out int length));
        Assert.Equal(payload, fromA.AsSpan(offset, length).ToArray());
        Assert.Equal((RelayKind.Rtcp, (byte)3, LinkId, 1UL, 42u, 99u), (header.Kind, header.HopCount, header.LinkId, header.Sequence, header.ConferenceId, header.SourceId));

        byte[] fromB = Protect(b, payload, kind: RelayKind.Control, source: 0);
        Assert.Equal(RelayUnprotectResult.Ok, a.Unprotect(fromB, out header, out offset, out length));
        Assert.Equal(payload, fromB.AsSpan(offset, length).ToArray());
        Assert.Equal(RelayKind.Control, header.Kind);
    }

    [Fact]
    public void An_end_on_the_platforms_AES_GCM_and_one_on_AES_NI_understand_each_other()
    {
        // A link between a bridge on AES-NI and one without (or an older release on OpenSSL) carries the same bytes.
        using RelayCipher fast = A();
        using RelayCipher platform = new(Key, LinkId, "bridge-b", "bridge-a", useIntrinsics: false);
        Assert.True(fast.UsesIntrinsics, "this machine has AES-NI and PCLMULQDQ; relay links use them as SRTP does");
        Assert.False(platform.UsesIntrinsics);
        for (int length = 0; length <= 1300; length += 53)
        {
            byte[] payload = [.. Enumerable.Range(0, length).Select(i => (byte)(i * 13 + length))];
            byte[] down = Protect(fast, payload);
            Assert.Equal(RelayUnprotectResult.Ok, platform.Unprotect(down, out _, out int offset, out int count));
            Assert.Equal(payload, down.AsSpan(offset, count).ToArray());
            byte[] up = Protect(platform, payload);
            Assert.Equal(RelayUnprotectResult.Ok, fast.Unprotect(up, out _, out offset, out count));
            Assert.Equal(payload, up.AsSpan(offset, count).ToArray());
        }
        byte[] forged = Protect(platform, "forged"u8);
        forged[^1] ^= 1;
        Assert.Equal(RelayUnprotectResult.BadTag, fast.Unprotect(forged, out _, out _, out _));
        forged = Protect(fast, "forged"u8);
        forged[^1] ^= 1;
        Assert.Equal(RelayUnprotectResult.BadTag, platform.Unprotect(forged, out _, out _, out _));
    }

    [Fact]
    public void Sequence_starts_at_one_and_increases_per_datagram()
    {
        using RelayCipher a = A();
        using RelayCipher b = B();
        for (ulong expected = 1; expected <= 5; expected++)
        {
            byte[] datagram = Protect(a, [1, 2, 3]);
            Assert.Equal(RelayUnprotectResult.Ok, b.Unprotect(datagram, out RelayHeader header, out _, out _));
            Assert.Equal(expected, header.Sequence);
        }

        Assert.Equal(5UL, a.LastSentSequence);
        Assert.Equal(5UL, b.HighestReceivedSequence);
    }

    [Fact]
    public void Empty_payload_round_trips()
    {
        using RelayCipher a = A();
        using RelayCipher b = B();

        byte[] datagram = Protect(a, []);

        Assert.Equal(RelayCipher.Overhead, datagram.Length);
        Assert.Equal(RelayUnprotectResult.Ok, b.Unprotect(datagram, out _, out int offset, out int length));
        Assert.Equal((24, 0), (offset, length));
    }

    [Fact]
    public void Protects_in_place()
    {
        using RelayCipher a = A();
        using RelayCipher b = B();
        byte[] payload = [10, 20, 30, 40, 50];
        byte[] buffer = new byte[payload.Length + RelayCipher.Overhead];
        payload.CopyTo(buffer, RelayHeader.Length);

        Assert.True(a.TryProtect(RelayKind.Rtp, 0, LinkId, 1, 2, buffer.AsSpan(RelayHeader.Length, payload.Length), buffer, out _));

        Assert.Equal(RelayUnprotectResult.Ok, b.Unprotect(buffer, out _, out int offset, out int length));
        Assert.Equal(payload, buffer.AsSpan(offset, length).ToArray());
    }

    [Fact]
    public void A_datagram_is_not_accepted_by_its_own_sender()
    {
        using RelayCipher a = A();
        using RelayCipher b = B();
        byte[] fromA = Protect(a, [1, 2, 3, 4]);
        byte[] fromB = Protect(b, [1, 2, 3, 4]);

        // Same link key, but each direction has its own key and salt: a reflected datagram fails authentication.
        Assert.Equal(RelayUnprotectResult.BadTag, a.Unprotect(fromA.ToArray(), out _, out _, out _));
        Assert.Equal(RelayUnprotectResult.BadTag, b.Unprotect(fromB.ToArray(), out _, out _, out _));
        Assert.NotEqual(fromA[RelayHeader.Length..], fromB[RelayHeader.Length..]);
    }

    [Fact]
    public void Wrong_link_key_is_a_bad_tag()
    {
        using RelayCipher a = A();
        byte[] otherKey = [.. Key];
        otherKey[31] ^= 1;
        using var b = new RelayCipher(otherKey, LinkId, "bridge-b", "bridge-a");

        Assert.Equal(RelayUnprotectResult.BadTag, b.Unprotect(Protect(a, [1, 2, 3]), out _, out _, out _));
    }

    [Fact]
    public void Another_link_id_is_wrong_link_before_any_crypto()
    {
        using RelayCipher a = A();
        using var b = new RelayCipher(Key, LinkId + 1, "bridge-b", "bridge-a");

        Assert.Equal(RelayUnprotectResult.WrongLink, b.Unprotect(Protect(a, [1, 2, 3]), out RelayHeader header, out _, out _));
        Assert.Equal(LinkId, header.LinkId);
    }

    [Fact]
    public void Another_version_is_bad_version()
    {
        using RelayCipher a = A();
        using RelayCipher b = B();
        byte[] datagram = Protect(a, [1, 2, 3]);
        datagram[0] = 0x52;

        Assert.Equal(RelayUnprotectResult.BadVersion, b.Unprotect(datagram, out _, out _, out _));
    }

    [Fact]
    public void Every_single_bit_flip_is_rejected()
    {
        using RelayCipher a = A();
        byte[] original = Protect(a, [.. Enumerable.Range(0, 32).Select(i => (byte)i)]);
        for (int bit = 0; bit < original.Length * 8; bit++)
        {
            // A fresh receiver each time, so a flip cannot hide behind the replay window.
            using RelayCipher b = B();
            byte[] datagram = [.. original];
            datagram[bit / 8] ^= (byte)(1 << (bit % 8));

            RelayUnprotectResult result = b.Unprotect(datagram, out _, out _, out _);

            Assert.True(
                result is RelayUnprotectResult.BadTag or RelayUnprotectResult.Malformed or RelayUnprotectResult.BadVersion or RelayUnprotectResult.WrongLink,
                $"bit {bit}: {result}");
        }

        using RelayCipher intact = B();
        Assert.Equal(RelayUnprotectResult.Ok, intact.Unprotect(original, out _, out _, out _));
    }

    [Fact]
    public void Accepted_datagram_replayed_is_rejected()
    {
        using RelayCipher a = A();
        using RelayCipher b = B();
        byte[] datagram = Protect(a, [5, 6, 7]);
        byte[] copy = [.. datagram];

        Assert.Equal(RelayUnprotectResult.Ok, b.Unprotect(datagram, out _, out _, out _));
        Assert.Equal(RelayUnprotectResult.Replayed, b.Unprotect(copy, out _, out _, out _));
    }

    [Fact]
    public void Out_of_order_within_the_window_is_accepted_once_and_older_is_replayed()
    {
        using RelayCipher a = A();
        using RelayCipher b = B();
        byte[][] sent = [.. Enumerable.Range(0, 1100).Select(_ => Protect(a, [1]))];

        Assert.Equal(RelayUnprotectResult.Ok, b.Unprotect(sent[1099].ToArray(), out _, out _, out _)); // sequence 1100
        Assert.Equal(RelayUnprotectResult.Ok, b.Unprotect(sent[76].ToArray(), out _, out _, out _)); // 77: 1023 behind, last in window
        Assert.Equal(RelayUnprotectResult.Replayed, b.Unprotect(sent[76].ToArray(), out _, out _, out _));
        Assert.Equal(RelayUnprotectResult.Replayed, b.Unprotect(sent[75].ToArray(), out _, out _, out _)); // 76: 1024 behind
        Assert.Equal(RelayUnprotectResult.Replayed, b.Unprotect(sent[0].ToArray(), out _, out _, out _));
        Assert.Equal(RelayUnprotectResult.Ok, b.Unprotect(sent[1000].ToArray(), out _, out _, out _));
        Assert.Equal(RelayUnprotectResult.Replayed, b.Unprotect(sent[1000].ToArray(), out _, out _, out _));
    }

    [Fact]
    public void Replay_window_is_updated_only_after_the_tag_verified()
    {
        using RelayCipher a = A();
        using RelayCipher b = B();
        byte[] genuine = Protect(a, [1, 2, 3]);
        byte[] forged = [.. genuine];
        forged[^1] ^= 0x80;

        Assert.Equal(RelayUnprotectResult.BadTag, b.Unprotect(forged, out _, out _, out _));
        Assert.Equal(RelayUnprotectResult.Ok, b.Unprotect(genuine, out _, out _, out _));
    }

    [Fact]
    public void Hop_count_above_sixteen_is_hop_limit()
    {
        using RelayCipher a = A();
        using RelayCipher b = B();

        Assert.Equal(RelayUnprotectResult.Ok, b.Unprotect(Protect(a, [1], hops: 16), out _, out _, out _));
        Assert.Equal(RelayUnprotectResult.HopLimit, b.Unprotect(Protect(a, [1], hops: 17), out RelayHeader header, out _, out int length));
        Assert.Equal(17, header.HopCount);
        Assert.Equal(0, length);
    }

    [Fact]
    public void Too_small_destination_fails_without_consuming_a_sequence()
    {
        using RelayCipher a = A();
        byte[] small = new byte[RelayCipher.Overhead + 2];

        Assert.False(a.TryProtect(RelayKind.Rtp, 0, LinkId, 1, 1, [1, 2, 3], small, out int written));

        Assert.Equal(0, written);
        Assert.Equal(0UL, a.LastSentSequence);
    }

    [Fact]
    public void Constructor_refuses_keys_and_ids_that_would_break_nonce_uniqueness()
    {
        Assert.Throws<ArgumentException>(() => new RelayCipher(new byte[16], LinkId, "a", "b"));
        Assert.Throws<ArgumentException>(() => new RelayCipher(Key, LinkId, "same", "same"));
        Assert.Throws<ArgumentException>(() => new RelayCipher(Key, LinkId, "a>b", "c"));
        Assert.Throws<ArgumentException>(() => new RelayCipher(Key, LinkId, "", "c"));
    }

    [Fact]
    public void Protecting_for_another_link_is_a_programming_error()
    {
        using RelayCipher a = A();

        Assert.Throws<ArgumentException>(() => a.TryProtect(RelayKind.Rtp, 0, LinkId + 1, 1, 1, [1], new byte[64], out _));
    }
}
