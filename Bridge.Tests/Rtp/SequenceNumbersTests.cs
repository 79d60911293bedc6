using Bridge.Rtp;

namespace Bridge.Tests.Rtp;

public class SequenceNumbersTests
{
    [Theory]
    [InlineData(1, 0, true)]
    [InlineData(0, 1, false)]
    [InlineData(0, 65535, true)] // wrap
    [InlineData(65535, 0, false)]
    [InlineData(5, 5, false)]
    [InlineData(0x7FFF, 0, true)]
    [InlineData(0x8001, 0, false)] // more than half way round is older
    [InlineData(100, 65000, true)]
    public void Is_newer_uses_serial_arithmetic(int a, int b, bool newer)
    {
        Assert.Equal(newer, SequenceNumbers.IsNewer((ushort)a, (ushort)b));
    }

    [Fact]
    public void Half_way_tie_is_asymmetric()
    {
        Assert.True(SequenceNumbers.IsNewer(0x8000, 0));
        Assert.False(SequenceNumbers.IsNewer(0, 0x8000));
        Assert.True(SequenceNumbers.IsNewer(0x9000, 0x1000));
        Assert.False(SequenceNumbers.IsNewer(0x1000, 0x9000));
    }

    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(1, 0, -1)]
    [InlineData(65535, 0, 1)]
    [InlineData(0, 65535, -1)]
    [InlineData(65000, 100, 636)]
    [InlineData(100, 65000, -636)]
    [InlineData(7, 7, 0)]
    [InlineData(0, 0x7FFF, 32767)]
    [InlineData(0, 0x8000, -32768)]
    public void Distance_is_the_signed_shortest_way(int from, int to, int distance)
    {
        Assert.Equal(distance, SequenceNumbers.Distance((ushort)from, (ushort)to));
    }

    [Fact]
    public void Distance_agrees_with_is_newer_everywhere_but_the_tie()
    {
        var random = new Random(1982);
        for (int i = 0; i < 10_000; i++)
        {
            ushort a = (ushort)random.Next(65536);
            ushort b = (ushort)random.Next(65536);
            int d = SequenceNumbers.Distance(b, a);
            if (d != -32768)
            {
                Assert.Equal(d > 0, SequenceNumbers.IsNewer(a, b));
                Assert.Equal(a, (ushort)(b + d));
            }
        }
    }
}
