using Bridge.Forwarding;

namespace Bridge.Tests.Forwarding;

public sealed class PacketCacheTests
{
    private readonly byte[] _out = new byte[PacketCache.MaxPacketLength];

    [Fact]
    public void Returns_stored_packets_until_overwritten_by_a_newer_one_in_the_same_cell()
    {
        var cache = new PacketCache(16);
        cache.Store([1, 2, 3], 100);
        Assert.Equal([1, 2, 3], Copy(cache, 100));
        Assert.Null(Copy(cache, 101));
        cache.Store([9], 116); // same cell, 16 later
        Assert.Null(Copy(cache, 100));
        Assert.Equal([9], Copy(cache, 116));
    }

    [Fact]
    public void Ignores_oversized_packets_refuses_small_destinations_and_rejects_bad_capacity()
    {
        var cache = new PacketCache(16);
        cache.Store(new byte[PacketCache.MaxPacketLength + 1], 1);
        Assert.Null(Copy(cache, 1));
        cache.Store([1, 2, 3], 2);
        Assert.Equal(-1, cache.TryCopy(2, new byte[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PacketCache(12));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PacketCache(0));
    }

    [Fact]
    public void Sequence_zero_is_a_real_entry()
    {
        var cache = new PacketCache(16);
        Assert.Null(Copy(cache, 0));
        cache.Store([7], 0);
        Assert.Equal([7], Copy(cache, 0));
    }

    [Fact]
    public async Task A_reader_on_another_thread_never_gets_a_packet_torn_by_a_concurrent_overwrite()
    {
        // One writer cycles two packets of different content through one cell (sequences 0 and 16); a reader copies
        // whatever the cell claims to hold. Every copy it accepts must be exactly one of the two packets.
        var cache = new PacketCache(16);
        var first = Enumerable.Repeat((byte)0xAA, 1200).ToArray();
        var second = Enumerable.Repeat((byte)0x55, 1000).ToArray();
        var stop = DateTime.UtcNow + TimeSpan.FromSeconds(1);
        var writer = Task.Run(() =>
        {
            for (var i = 0; DateTime.UtcNow < stop && i < 50_000_000; i++)
            {
                cache.Store(i % 2 == 0 ? first : second, (ushort)(i % 2 == 0 ? 0 : 16));
            }
        });
        var destination = new byte[PacketCache.MaxPacketLength];
        long accepted = 0, refused = 0;
        while (!writer.IsCompleted)
        {
            foreach (ushort sequence in (ushort[])[0, 16])
            {
                var length = cache.TryCopy(sequence, destination);
                if (length < 0)
                {
                    refused++;
                    continue;
                }
                var expected = sequence == 0 ? first : second;
                Assert.Equal(expected.Length, length);
                Assert.True(destination.AsSpan(0, length).SequenceEqual(expected), "a torn copy was accepted");
                accepted++;
            }
        }
        await writer;
        Assert.True(accepted > 0 && refused > 0, $"accepted {accepted}, refused {refused}: the race was not exercised");
    }

    private byte[]? Copy(PacketCache cache, ushort sequence)
    {
        var length = cache.TryCopy(sequence, _out);
        return length < 0 ? null : _out.AsSpan(0, length).ToArray();
    }
}
