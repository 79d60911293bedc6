using System.Buffers.Binary;
using Bridge.Stun;
using static Bridge.Tests.Stun.StunTestMessages;

namespace Bridge.Tests.Stun;

public class StunMessageTests
{
    private static readonly byte[] Key = "local-password"u8.ToArray();

    [Fact]
    public void IsStun_rejects_other_protocols_and_bad_headers()
    {
        byte[] valid = Build(0x0001, (StunAttributeType.Priority, [0, 0, 0, 1]));
        Assert.True(StunMessage.IsStun(valid));

        // RFC 7983: RTP/RTCP start with 128-191, and STUN's top two bits are always zero (RFC 8489 5).
        foreach (byte first in new byte[] { 0x40, 0x80, 0xC0 })
        {
            byte[] other = (byte[])valid.Clone();
            other[0] = first;
            Assert.False(StunMessage.IsStun(other));
        }

        // DTLS (first byte 20-63) passes the bit test; the magic cookie is what tells it apart.
        byte[] badCookie = (byte[])valid.Clone();
        badCookie[0] = 0x16;
        Assert.True(StunMessage.IsStun(badCookie));
        badCookie[7] ^= 1;
        Assert.False(StunMessage.IsStun(badCookie));

        Assert.False(StunMessage.IsStun(valid.AsSpan(0, valid.Length - 4)));
        Assert.False(StunMessage.IsStun([.. valid, 0, 0, 0, 0]));

        // Length field not a multiple of 4, with the datagram matching it.
        byte[] odd = [.. valid, 0, 0];
        BinaryPrimitives.WriteUInt16BigEndian(odd.AsSpan(2), (ushort)(odd.Length - 20));
        Assert.False(StunMessage.IsStun(odd));
        Assert.False(StunMessage.TryParse(odd, out _));
    }

    [Fact]
    public void Empty_body_parses()
    {
        byte[] bare = Build(0x0011);

        Assert.True(StunMessage.TryParse(bare, out var message));
        Assert.Equal((ushort)StunMessageType.BindingIndication, message.MessageType);
        Assert.False(message.HasFingerprint);
        Assert.False(message.HasMessageIntegrity);
        Assert.False(message.VerifyFingerprint());
        Assert.False(message.TryGetAttribute(StunAttributeType.Username, out _));
    }

    [Fact]
    public void First_occurrence_wins()
    {
        byte[] raw = Build(0x0001, (StunAttributeType.Priority, [0, 0, 0, 1]), (StunAttributeType.Priority, [0, 0, 0, 2]));

        Assert.True(StunMessage.TryParse(raw, out var message));
        Assert.True(message.TryGetPriority(out uint priority));
        Assert.Equal(1u, priority);
    }

    [Fact]
    public void Second_message_integrity_is_rejected()
    {
        byte[] mac = new byte[20];
        Assert.True(StunMessage.TryParse(Build(0x0001, (StunAttributeType.MessageIntegrity, mac)), out _));
        Assert.False(StunMessage.TryParse(Build(0x0001, (StunAttributeType.MessageIntegrity, mac), (StunAttributeType.MessageIntegrity, mac)), out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(19)]
    [InlineData(21)]
    [InlineData(32)]
    public void Message_integrity_of_wrong_size_is_rejected(int size)
    {
        Assert.False(StunMessage.TryParse(Build(0x0001, (StunAttributeType.MessageIntegrity, new byte[size])), out _));
    }

    [Fact]
    public void Fingerprint_must_be_last_and_four_bytes()
    {
        byte[] crc = [1, 2, 3, 4];
        Assert.True(StunMessage.TryParse(Build(0x0001, (StunAttributeType.Priority, crc), (StunAttributeType.Fingerprint, crc)), out _));
        Assert.False(StunMessage.TryParse(Build(0x0001, (StunAttributeType.Fingerprint, crc), (StunAttributeType.Priority, crc)), out _));
        Assert.False(StunMessage.TryParse(Build(0x0001, (StunAttributeType.Fingerprint, crc), (StunAttributeType.Fingerprint, crc)), out _));
        Assert.False(StunMessage.TryParse(Build(0x0001, (StunAttributeType.Fingerprint, new byte[8])), out _));
        Assert.False(StunMessage.TryParse(Build(0x0001, (StunAttributeType.Fingerprint, new byte[2])), out _));
    }

    [Fact]
    public void Attributes_appended_after_message_integrity_are_ignored()
    {
        // An attacker can append USE-CANDIDATE after MESSAGE-INTEGRITY and recompute FINGERPRINT (it is just a CRC);
        // RFC 8489 14.5 says such attributes are ignored, so the nomination must not be seen.
        var buffer = new byte[StunWriter.MaxMessageLength];
        int length = StunWriter.WriteBindingRequest(buffer, TransactionId, "abcd:wxyz"u8, Key, 100, 7, useCandidate: false);
        byte[] withoutFingerprint = buffer.AsSpan(0, length - 8).ToArray();
        byte[] tampered = WithFingerprint([.. withoutFingerprint, 0x00, 0x25, 0x00, 0x00]);

        Assert.True(StunMessage.TryParse(tampered, out var message));
        Assert.True(message.VerifyFingerprint());
        Assert.True(message.VerifyMessageIntegrity(Key));
        Assert.False(message.HasUseCandidate);
        Assert.True(message.TryGetAttribute(StunAttributeType.Fingerprint, out _));
    }

    [Fact]
    public void Fingerprint_is_checked_over_the_whole_prefix()
    {
        byte[] raw = WithFingerprint(Build(0x0001, (StunAttributeType.Username, "a:b"u8.ToArray())));
        Assert.True(StunMessage.TryParse(raw, out var message));
        Assert.True(message.VerifyFingerprint());

        // Changing a padding byte changes the CRC input (padding is covered, RFC 8489 14.7).
        raw[27] = 0x20;
        Assert.True(StunMessage.TryParse(raw, out message));
        Assert.False(message.VerifyFingerprint());
    }

    [Fact]
    public void Malformed_attribute_values_are_refused_by_accessors()
    {
        byte[] raw = Build(
            0x0111,
            (StunAttributeType.Priority, [0, 0, 1]),
            (StunAttributeType.ErrorCode, [0, 0, 2, 99]),
            (StunAttributeType.XorMappedAddress, [0, 3, 0, 0, 1, 2, 3, 4]));
        Assert.True(StunMessage.TryParse(raw, out var message));

        Assert.False(message.TryGetPriority(out _));
        Assert.False(message.TryGetErrorCode(out _));
        Assert.False(message.TryGetXorMappedAddress(out _));

        Assert.True(StunMessage.TryParse(Build(0x0111, (StunAttributeType.ErrorCode, [0, 0, 4, 100])), out message));
        Assert.False(message.TryGetErrorCode(out _));
        Assert.True(StunMessage.TryParse(Build(0x0111, (StunAttributeType.ErrorCode, [0, 0, 4])), out message));
        Assert.False(message.TryGetErrorCode(out _));

        // IPv4 family with an IPv6-sized value, and IPv6 family with an IPv4-sized value.
        Assert.True(StunMessage.TryParse(Build(0x0101, (StunAttributeType.XorMappedAddress, [0, 1, 0, 0, .. new byte[16]])), out message));
        Assert.False(message.TryGetXorMappedAddress(out _));
        Assert.True(StunMessage.TryParse(Build(0x0101, (StunAttributeType.XorMappedAddress, [0, 2, 0, 0, 1, 2, 3, 4])), out message));
        Assert.False(message.TryGetXorMappedAddress(out _));
    }

    [Fact]
    public void Default_instance_is_inert()
    {
        StunMessage message = default;

        Assert.Equal(0, message.MessageType);
        Assert.True(message.TransactionId.IsEmpty);
        Assert.True(message.Raw.IsEmpty);
        Assert.True(message.Username.IsEmpty);
        Assert.False(message.HasUseCandidate);
        Assert.False(message.HasMessageIntegrity);
        Assert.False(message.HasFingerprint);
        Assert.False(message.TryGetPriority(out _));
        Assert.False(message.TryGetErrorCode(out _));
        Assert.False(message.TryGetXorMappedAddress(out _));
        Assert.False(message.VerifyFingerprint());
        Assert.False(message.VerifyMessageIntegrity(Key));
    }

    [Fact]
    public void Integrity_beyond_the_stack_copy_limit_is_refused()
    {
        // A valid HMAC placed after 1500 bytes of other attributes: verification declines rather than copying more.
        byte[] filler = new byte[1500 - 20 - 4];
        byte[] prefix = Build(0x0001, (StunAttributeType.Software, filler), (StunAttributeType.MessageIntegrity, new byte[20]));
        StunFormat.ComputeIntegrity(Key, prefix.AsSpan(0, prefix.Length - 24), prefix.AsSpan(prefix.Length - 20));
        Assert.True(StunMessage.TryParse(prefix, out var atLimit));
        Assert.True(atLimit.VerifyMessageIntegrity(Key));

        byte[] longer = Build(0x0001, (StunAttributeType.Software, new byte[filler.Length + 4]), (StunAttributeType.MessageIntegrity, new byte[20]));
        StunFormat.ComputeIntegrity(Key, longer.AsSpan(0, longer.Length - 24), longer.AsSpan(longer.Length - 20));
        Assert.True(StunMessage.TryParse(longer, out var beyond));
        Assert.False(beyond.VerifyMessageIntegrity(Key));
    }
}
