using BridgeRelay.Link;

namespace Bridge.Tests.Relay.Link;

public class RelayReplayWindowTests
{
    [Fact]
    public void Sequence_zero_is_never_accepted()
    {
        var window = default(RelayReplayWindow);

        Assert.False(window.TryAccept(0));
        Assert.True(window.TryAccept(1));
        Assert.False(window.TryAccept(0));
    }

    [Fact]
    public void Matches_a_set_based_model_over_random_jumps()
    {
        // The model remembers every sequence; the window must agree on all within 1024 of the highest and reject the rest.
        var window = default(RelayReplayWindow);
        var accepted = new HashSet<ulong>();
        ulong highest = 0;
        var random = new Random(7);
        ulong cursor = 1;
        for (int i = 0; i < 200_000; i++)
        {
            cursor = random.Next(10) switch
            {
                0 => cursor + (ulong)random.Next(1, 5000),
                1 => cursor > 2000 ? cursor - (ulong)random.Next(0, 2000) : cursor,
                _ => cursor + 1,
            };
            ulong candidate = random.Next(4) == 0 && cursor > 1100 ? cursor - (ulong)random.Next(0, 1100) : cursor;

            bool expected = candidate != 0 && !accepted.Contains(candidate) && (candidate > highest || highest - candidate < RelayReplayWindow.Size);
            Assert.Equal(expected, window.TryAccept(candidate));
            if (expected)
            {
                accepted.Add(candidate);
                highest = Math.Max(highest, candidate);
            }
        }
    }

    [Fact]
    public void Handles_sequences_near_the_top_of_the_64_bit_range()
    {
        var window = default(RelayReplayWindow);

        Assert.True(window.TryAccept(ulong.MaxValue - 2000));
        Assert.True(window.TryAccept(ulong.MaxValue));
        Assert.False(window.TryAccept(ulong.MaxValue - 2000));
        Assert.True(window.TryAccept(ulong.MaxValue - 1023));
        Assert.False(window.TryAccept(ulong.MaxValue - 1024));
        Assert.False(window.TryAccept(ulong.MaxValue));
    }
}
