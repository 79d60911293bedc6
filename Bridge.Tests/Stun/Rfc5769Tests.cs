using System.Net;
using System.Text;
using Bridge.Stun;
using static Bridge.Tests.Stun.Rfc5769Vectors;

namespace Bridge.Tests.Stun;

public class Rfc5769Tests
{
    public static TheoryData<string> ShortTermVectors => new() { nameof(Request), nameof(IPv4Response), nameof(IPv6Response) };

    public static TheoryData<string> AllVectors => new() { nameof(Request), nameof(IPv4Response), nameof(IPv6Response), nameof(LongTermRequest) };

    private static byte[] Vector(string name) => name switch
    {
        nameof(Request) => Request,
        nameof(IPv4Response) => IPv4Response,
        nameof(IPv6Response) => IPv6Response,
        nameof(LongTermRequest) => LongTermRequest,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static byte[] Key(string name) => name == nameof(LongTermRequest) ? LongTermKey() : ShortTermPassword;

    [Fact]
    public void Sample_request_exposes_its_attributes()
    {
        Assert.True(StunMessage.IsStun(Request));
        Assert.True(StunMessage.TryParse(Request, out var message));

        Assert.Equal((ushort)StunMessageType.BindingRequest, message.MessageType);
        Assert.Equal(TransactionId, message.TransactionId.ToArray());
        Assert.Equal(Request, message.Raw.ToArray());
        Assert.Equal("evtj:h6vY", Encoding.UTF8.GetString(message.Username));
        Assert.True(message.TryGetPriority(out uint priority));
        Assert.Equal(0x6e0001ffu, priority);
        Assert.True(message.TryGetAttribute(StunAttributeType.IceControlled, out var tieBreaker));
        Assert.Equal(Convert.FromHexString("932ff9b151263b36"), tieBreaker.ToArray());
        Assert.True(message.TryGetAttribute(StunAttributeType.Software, out var software));
        Assert.Equal("STUN test client", Encoding.UTF8.GetString(software));
        Assert.False(message.TryGetAttribute(StunAttributeType.IceControlling, out _));
        Assert.False(message.HasUseCandidate);
        Assert.True(message.HasMessageIntegrity);
        Assert.True(message.HasFingerprint);
        Assert.False(message.TryGetErrorCode(out _));
        Assert.False(message.TryGetXorMappedAddress(out _));
    }

    [Theory]
    [MemberData(nameof(ShortTermVectors))]
    public void Short_term_vectors_verify_fingerprint_and_integrity(string name)
    {
        Assert.True(StunMessage.TryParse(Vector(name), out var message));

        Assert.True(message.VerifyFingerprint());
        Assert.True(message.VerifyMessageIntegrity(ShortTermPassword));
    }

    [Theory]
    [MemberData(nameof(AllVectors))]
    public void Integrity_fails_with_a_wrong_key(string name)
    {
        Assert.True(StunMessage.TryParse(Vector(name), out var message));
        byte[] key = Key(name);
        Assert.True(message.VerifyMessageIntegrity(key));

        byte[] wrong = (byte[])key.Clone();
        wrong[^1] ^= 0x01;
        Assert.False(message.VerifyMessageIntegrity(wrong));
        Assert.False(message.VerifyMessageIntegrity(key.AsSpan(0, key.Length - 1)));
        Assert.False(message.VerifyMessageIntegrity(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void IPv4_response_decodes_the_mapped_address()
    {
        Assert.True(StunMessage.TryParse(IPv4Response, out var message));

        Assert.Equal((ushort)StunMessageType.BindingSuccessResponse, message.MessageType);
        Assert.True(message.TryGetXorMappedAddress(out var endPoint));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), endPoint);
        Assert.True(message.TryGetAttribute(StunAttributeType.Software, out var software));
        Assert.Equal("test vector", Encoding.UTF8.GetString(software));
        Assert.True(message.Username.IsEmpty);
        Assert.False(message.TryGetPriority(out _));
    }

    [Fact]
    public void IPv6_response_decodes_the_mapped_address()
    {
        Assert.True(StunMessage.TryParse(IPv6Response, out var message));

        Assert.True(message.TryGetXorMappedAddress(out var endPoint));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853), endPoint);
    }

    [Fact]
    public void Long_term_request_verifies_with_the_md5_key()
    {
        Assert.True(StunMessage.TryParse(LongTermRequest, out var message));

        Assert.Equal(Encoding.UTF8.GetBytes(LongTermUsername), message.Username.ToArray());
        Assert.True(message.TryGetAttribute(StunAttributeType.Realm, out var realm));
        Assert.Equal("example.org", Encoding.UTF8.GetString(realm));
        Assert.True(message.TryGetAttribute(StunAttributeType.Nonce, out var nonce));
        Assert.Equal("f//499k954d6OL34oL9FSTvy64sA", Encoding.UTF8.GetString(nonce));
        Assert.True(message.HasMessageIntegrity);
        Assert.False(message.HasFingerprint);
        Assert.False(message.VerifyFingerprint());
        Assert.True(message.VerifyMessageIntegrity(LongTermKey()));
        Assert.False(message.VerifyMessageIntegrity(ShortTermPassword));
    }

    [Theory]
    [MemberData(nameof(AllVectors))]
    public void Every_single_bit_flip_is_rejected_or_fails_verification(string name)
    {
        byte[] vector = Vector(name);
        byte[] key = Key(name);
        Assert.True(StunMessage.TryParse(vector, out var original));
        int integrityEnd = IntegrityEnd(vector);
        bool hasFingerprint = original.HasFingerprint;

        byte[] flipped = new byte[vector.Length];
        for (int bit = 0; bit < vector.Length * 8; bit++)
        {
            vector.CopyTo(flipped, 0);
            flipped[bit / 8] ^= (byte)(0x80 >> (bit % 8));
            if (!StunMessage.TryParse(flipped, out var message))
            {
                continue;
            }

            StunTestMessages.ExerciseAccessors(message, key);

            // CRC-32 catches every single-bit error in the covered bytes and in the CRC itself.
            if (hasFingerprint)
            {
                Assert.False(message.VerifyFingerprint(), $"bit {bit}");
            }

            // The HMAC covers everything up to and including its own value.
            if (bit / 8 < integrityEnd)
            {
                Assert.False(message.VerifyMessageIntegrity(key), $"bit {bit}");
            }
            else
            {
                Assert.True(message.VerifyMessageIntegrity(key), $"bit {bit}");
            }
        }
    }

    private static int IntegrityEnd(byte[] vector)
    {
        int offset = vector.AsSpan().IndexOf(Convert.FromHexString("00080014"));
        return offset + 24;
    }
}
