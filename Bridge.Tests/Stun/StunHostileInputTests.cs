using System.Buffers.Binary;
using Bridge.Stun;

namespace Bridge.Tests.Stun;

public class StunHostileInputTests
{
    private static readonly byte[] Key = Rfc5769Vectors.ShortTermPassword;

    [Fact]
    public void Every_truncation_is_rejected()
    {
        foreach (byte[] vector in Rfc5769Vectors.All)
        {
            for (int length = 0; length < vector.Length; length++)
            {
                Assert.False(StunMessage.IsStun(vector.AsSpan(0, length)));
                Assert.False(StunMessage.TryParse(vector.AsSpan(0, length), out _));
            }
        }
    }

    [Fact]
    public void Truncations_with_a_matching_length_field_parse_only_on_attribute_boundaries()
    {
        foreach (byte[] vector in Rfc5769Vectors.All)
        {
            List<int> boundaries = StunTestMessages.AttributeBoundaries(vector);
            for (int length = 20; length < vector.Length; length += 4)
            {
                byte[] truncated = vector.AsSpan(0, length).ToArray();
                BinaryPrimitives.WriteUInt16BigEndian(truncated.AsSpan(2), (ushort)(length - 20));

                bool parsed = StunMessage.TryParse(truncated, out var message);
                Assert.Equal(boundaries.Contains(length), parsed);
                if (parsed)
                {
                    StunTestMessages.ExerciseAccessors(message, Key);
                    Assert.False(message.HasFingerprint);
                }
            }
        }
    }

    [Fact]
    public void Attribute_lengths_pointing_past_the_end_are_rejected()
    {
        byte[] vector = Rfc5769Vectors.Request;
        for (int declared = 0; declared <= ushort.MaxValue; declared++)
        {
            // Every attribute of the sample request, not only the first, gets every possible length.
            foreach (int offset in StunTestMessages.AttributeBoundaries(vector).SkipLast(1))
            {
                byte[] hostile = (byte[])vector.Clone();
                BinaryPrimitives.WriteUInt16BigEndian(hostile.AsSpan(offset + 2), (ushort)declared);
                bool pastEnd = offset + 4 + StunFormat.Padded(declared) > hostile.Length;

                bool parsed = StunMessage.TryParse(hostile, out var message);
                if (pastEnd)
                {
                    Assert.False(parsed);
                }
                else if (parsed)
                {
                    StunTestMessages.ExerciseAccessors(message, Key);
                }
            }
        }
    }

    [Fact]
    public void Random_datagrams_never_parse()
    {
        var random = new Random(5389);
        var buffer = new byte[600];
        for (int i = 0; i < 100_000; i++)
        {
            var datagram = buffer.AsSpan(0, random.Next(buffer.Length + 1));
            random.NextBytes(datagram);
            Assert.False(StunMessage.TryParse(datagram, out _));
        }
    }

    [Fact]
    public void Random_bodies_behind_a_valid_header_never_throw_and_never_verify()
    {
        var random = new Random(8489);
        var buffer = new byte[600];
        int parsed = 0;
        for (int i = 0; i < 100_000; i++)
        {
            int length = 20 + (4 * random.Next(((buffer.Length - 20) / 4) + 1));
            var datagram = buffer.AsSpan(0, length);
            random.NextBytes(datagram);

            // Bias attribute types towards the ones with special rules so those paths get hit.
            if (length >= 24 && random.Next(2) == 0)
            {
                ushort[] interesting = [StunAttributeType.MessageIntegrity, StunAttributeType.Fingerprint, StunAttributeType.XorMappedAddress, StunAttributeType.ErrorCode];
                BinaryPrimitives.WriteUInt16BigEndian(datagram[20..], interesting[random.Next(interesting.Length)]);
                BinaryPrimitives.WriteUInt16BigEndian(datagram[22..], (ushort)random.Next(length - 24 + 1));
            }

            datagram[0] &= 0x3F;
            BinaryPrimitives.WriteUInt16BigEndian(datagram[2..], (ushort)(length - 20));
            BinaryPrimitives.WriteUInt32BigEndian(datagram[4..], StunFormat.MagicCookie);

            if (StunMessage.TryParse(datagram, out var message))
            {
                parsed++;
                Assert.Equal(length, StunTestMessages.AttributeBoundaries(datagram).Last());
                StunTestMessages.ExerciseAccessors(message, Key);
                Assert.False(message.VerifyMessageIntegrity(Key));
                Assert.False(message.VerifyFingerprint());
            }
        }

        // The generator must actually reach the attribute walk's success path, or this test proves little.
        Assert.InRange(parsed, 1000, 100_000);
    }
}
