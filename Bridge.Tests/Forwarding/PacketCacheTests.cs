using Bridge.Forwarding;

namespace Bridge.Tests.Forwarding;

public sealed class PacketCacheTests
{
    [Fact]
    public void Returns_stored_packets_until_overwritten_by_a_newer_one_in_the_same_cell()
    {
        var cache = new PacketCache(16);
        cache.Store([1, 2, 3], 100);
        Assert.True(cache.TryGet(100, out var packet));
        Assert.Equal([1, 2, 3], packet.ToArray());
        Assert.False(cache.TryGet(101, out _));
        cache.Store([9], 116); // same cell, 16 later
        Assert.False(cache.TryGet(100, out _));
        Assert.True(cache.TryGet(116, out packet));
        Assert.Equal([9], packet.ToArray());
    }

    [Fact]
    public void Ignores_oversized_packets_and_rejects_bad_capacity()
    {
        var cache = new PacketCache(16);
        cache.Store(new byte[PacketCache.MaxPacketLength + 1], 1);
        Assert.False(cache.TryGet(1, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PacketCache(12));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PacketCache(0));
    }

    [Fact]
    public void Sequence_zero_is_a_real_entry()
    {
        var cache = new PacketCache(16);
        Assert.False(cache.TryGet(0, out _));
        cache.Store([7], 0);
        Assert.True(cache.TryGet(0, out var packet));
        Assert.Equal(7, packet[0]);
    }
}
