using Bridge.Transport;

namespace Bridge.Tests.Transport;

public sealed class HandOffRingTests
{
    [Fact]
    public void Holds_capacity_items_in_order_refuses_the_next_and_frees_a_slot_per_release()
    {
        var ring = new HandOffRing();
        Assert.False(ring.HasItems);
        Assert.Equal(-1, ring.Peek());
        for (var i = 0; i < HandOffRing.Capacity; i++)
        {
            var index = ring.Reserve();
            Assert.True(index >= 0, $"refused item {i}");
            ring.Item(index).Sequence = (ushort)i;
            ring.Data(index)[0] = (byte)i;
            ring.Publish();
        }
        Assert.Equal(-1, ring.Reserve());
        for (var i = 0; i < HandOffRing.Capacity; i++)
        {
            var index = ring.Peek();
            Assert.Equal((ushort)i, ring.Item(index).Sequence);
            Assert.Equal((byte)i, ring.Data(index)[0]);
            ring.Release();
            // The released slot is free again, and its references dropped.
            Assert.Null(ring.Item(index).Source);
        }
        Assert.False(ring.HasItems);
        Assert.True(ring.Reserve() >= 0);
    }

    [Fact]
    public async Task A_producer_and_a_consumer_on_two_threads_pass_every_item_once_in_order()
    {
        // 200,000 items wrap the 128-slot ring over 1,500 times; bounded in time for a loaded CI machine.
        const int Items = 200_000;
        var ring = new HandOffRing();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var producer = Task.Run(() =>
        {
            for (var i = 0; i < Items && DateTime.UtcNow < deadline;)
            {
                var index = ring.Reserve();
                if (index < 0)
                {
                    Thread.SpinWait(10);
                    continue;
                }
                ring.Item(index).NewLoop = i;
                BitConverter.TryWriteBytes(ring.Data(index), i);
                ring.Publish();
                i++;
            }
        });
        var next = 0;
        while (next < Items && DateTime.UtcNow < deadline)
        {
            var index = ring.Peek();
            if (index < 0)
            {
                Thread.SpinWait(10);
                continue;
            }
            Assert.Equal(next, ring.Item(index).NewLoop);
            Assert.Equal(next, BitConverter.ToInt32(ring.Data(index)));
            ring.Release();
            next++;
        }
        await producer;
        Assert.Equal(Items, next);
    }
}
