using BridgeRelay.Link;

namespace Bridge.Tests.Relay.Link;

public class RelayCipherHostileInputTests
{
    [Fact]
    public void Every_truncation_is_an_error_never_an_exception()
    {
        using RelayCipher a = RelayCipherTests.A();
        using RelayCipher b = RelayCipherTests.B();
        byte[] datagram = RelayCipherTests.Protect(a, [.. Enumerable.Range(0, 64).Select(i => (byte)i)]);

        for (int length = 0; length < datagram.Length; length++)
        {
            byte[] truncated = datagram[..length];
            RelayUnprotectResult result = b.Unprotect(truncated, out _, out int offset, out int payloadLength);
            Assert.True(result is RelayUnprotectResult.Malformed or RelayUnprotectResult.BadTag, $"length {length}: {result}");
            Assert.Equal((0, 0), (offset, payloadLength));
        }
    }

    [Fact]
    public void Random_datagrams_are_errors_never_exceptions()
    {
        using RelayCipher b = RelayCipherTests.B();
        var random = new Random(20240611);
        byte[] buffer = new byte[1500];
        var seen = new HashSet<RelayUnprotectResult>();
        for (int i = 0; i < 100_000; i++)
        {
            int length = random.Next(0, 120);
            Span<byte> datagram = buffer.AsSpan(0, length);
            random.NextBytes(datagram);
            if (length > 0 && i % 2 == 0)
            {
                // Half look like relay datagrams of this link and version, so they reach the tag check.
                datagram[0] = 0x51;
                if (length >= RelayHeader.Length)
                {
                    datagram[1] = (byte)random.Next(1, 4);
                    datagram[4] = 1;
                    datagram[5] = 2;
                    datagram[6] = 3;
                    datagram[7] = 4;
                }
            }

            RelayUnprotectResult result = b.Unprotect(datagram, out _, out _, out _);
            Assert.NotEqual(RelayUnprotectResult.Ok, result);
            seen.Add(result);
        }

        Assert.Contains(RelayUnprotectResult.Malformed, seen);
        Assert.Contains(RelayUnprotectResult.BadTag, seen);
        Assert.Equal(0UL, b.HighestReceivedSequence);
    }
}
