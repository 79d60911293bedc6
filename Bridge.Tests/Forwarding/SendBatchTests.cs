using System.Net;
using System.Net.Sockets;
using Bridge.Metrics;
using Bridge.Transport;
using Prometheus;

namespace Bridge.Tests.Forwarding;

/// <summary>The batch sender against real UDP sockets on loopback, through sendmmsg and through the SendTo fallback.</summary>
public sealed class SendBatchTests : IDisposable
{
    private readonly BridgeCounters _counters = new();
    private readonly MediaSocket _socket;
    private readonly Socket _sink = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 << 20 };
    private readonly SocketAddress _sinkAddress;

    public SendBatchTests()
    {
        _socket = new MediaSocket(IPAddress.Loopback, 0, _counters);
        _sink.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _sinkAddress = _sink.LocalEndPoint!.Serialize();
    }

    public void Dispose()
    {
        _socket.Dispose();
        _sink.Dispose();
    }

    [Fact]
    public void Uses_sendmmsg_on_linux()
    {
        var batch = new SendBatch(_socket, _counters);
        Assert.Equal(OperatingSystem.IsLinux(), batch.UsesSendmmsg);
        Assert.False(new SendBatch(_socket, _counters, useSendmmsg: false).UsesSendmmsg);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_datagram_of_a_full_batch_arrives_in_order_with_its_own_length(bool useSendmmsg)
    {
        var batch = new SendBatch(_socket, _counters, useSendmmsg: useSendmmsg);
        long bytes = 0;
        for (var i = 0; i < SendBatch.Capacity; i++)
        {
            bytes += Add(batch, i, _sinkAddress);
        }
        Assert.Equal(SendBatch.Capacity, batch.Count);

        Assert.Equal(SendBatch.Capacity, batch.Flush());

        Assert.Equal(0, batch.Count);
        Assert.Equal(Enumerable.Range(0, SendBatch.Capacity), ReceiveIds(SendBatch.Capacity));
        Assert.Equal(SendBatch.Capacity, _counters.PacketsOut);
        Assert.Equal(bytes, _counters.BytesOut);
        Assert.Equal(0, _counters.SendErrors);
        Assert.Equal(useSendmmsg && OperatingSystem.IsLinux(), batch.UsesSendmmsg);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void More_datagrams_than_the_capacity_go_out_in_several_batches(bool useSendmmsg)
    {
        var batch = new SendBatch(_socket, _counters, useSendmmsg: useSendmmsg);
        const int total = (3 * SendBatch.Capacity) + 5;
        for (var i = 0; i < total; i++)
        {
            Add(batch, i, _sinkAddress);
            Assert.InRange(batch.Count, 1, SendBatch.Capacity);
        }
        Assert.Equal(5, batch.Count);
        // The full batches went out when the next slot was needed; only the tail is left.
        Assert.Equal(3 * SendBatch.Capacity, _counters.PacketsOut);

        Assert.Equal(5, batch.Flush());

        Assert.Equal(Enumerable.Range(0, total), ReceiveIds(total));
        Assert.Equal(total, _counters.PacketsOut);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_refused_datagram_in_the_middle_is_counted_and_the_rest_still_go_out(bool useSendmmsg)
    {
        var batch = new SendBatch(_socket, _counters, useSendmmsg: useSendmmsg);
        // Linux refuses UDP to port 0 (EINVAL): sendmmsg sends the two before it, then fails on it alone.
        var refused = new IPEndPoint(IPAddress.Loopback, 0).Serialize();
        Add(batch, 0, _sinkAddress);
        Add(batch, 1, _sinkAddress);
        Add(batch, 2, refused);
        Add(batch, 3, _sinkAddress);
        Add(batch, 4, refused);

        Assert.Equal(3, batch.Flush());

        Assert.Equal([0, 1, 3], ReceiveIds(3));
        Assert.Equal(2, _counters.SendErrors);
        Assert.Equal(3, _counters.PacketsOut);
        Assert.Equal(0, batch.Count);
        // A refused datagram is not a missing syscall: the batch stays on sendmmsg.
        Assert.Equal(useSendmmsg && OperatingSystem.IsLinux(), batch.UsesSendmmsg);
        Assert.Empty(ReceiveIds(1, TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public void An_empty_flush_sends_nothing()
    {
        var batch = new SendBatch(_socket, _counters);
        Assert.Equal(0, batch.Flush());
        // A reserved slot that was never committed (say, protection failed) is not sent either.
        batch.Reserve().Fill(0xAB);
        Assert.Equal(0, batch.Flush());
        Assert.Equal(0, _counters.PacketsOut);
        Assert.Empty(ReceiveIds(1, TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public void Oversize_or_negative_lengths_are_rejected_and_the_batch_stays_usable()
    {
        var batch = new SendBatch(_socket, _counters);
        batch.Reserve();
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.Commit(SendBatch.SlotLength + 1, _sinkAddress));
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.Commit(-1, _sinkAddress));
        Assert.Equal(0, batch.Count);

        var slot = batch.Reserve();
        Assert.Equal(SendBatch.SlotLength, slot.Length);
        slot.Fill(7);
        batch.Commit(SendBatch.SlotLength, _sinkAddress);
        Assert.Equal(1, batch.Flush());
        var buffer = new byte[4096];
        _sink.ReceiveTimeout = 5000;
        Assert.Equal(SendBatch.SlotLength, _sink.Receive(buffer));
        Assert.All(buffer.AsSpan(0, SendBatch.SlotLength).ToArray(), b => Assert.Equal(7, b));
    }

    [Fact]
    public void A_flush_after_the_socket_closed_neither_throws_nor_counts()
    {
        var batch = new SendBatch(_socket, _counters);
        Add(batch, 0, _sinkAddress);
        _socket.Dispose();
        Assert.Equal(0, batch.Flush());
        Assert.Equal(0, _counters.PacketsOut);
    }

    [Fact]
    public void Copies_marked_for_transit_are_observed_when_sent()
    {
        var transit = new PacketTransit(Prometheus.Metrics.NewCustomRegistry());
        var batch = new SendBatch(_socket, _counters, transit);
        transit.MarkReceived();
        for (var i = 0; i < 5; i++)
        {
            var slot = batch.Reserve();
            slot[0] = (byte)i;
            batch.Commit(1, _sinkAddress, observeTransit: i % 2 == 0);
        }
        Assert.Equal(0, transit.Count);
        batch.Flush();
        Assert.Equal(3, transit.Count);
    }

    [Fact]
    public void Batching_and_flushing_allocate_nothing_also_after_tiered_recompilation()
    {
        // Long enough for tiered compilation to recompile the send path (a re-bound P/Invoke once allocated then).
        const int warmup = 1_000;
        const int measured = 200_000;
        var batch = new SendBatch(_socket, _counters, new PacketTransit(Prometheus.Metrics.NewCustomRegistry()));
        Send(warmup);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Send(measured);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(warmup + measured, _counters.PacketsOut);

        void Send(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var slot = batch.Reserve();
                slot[0] = (byte)i;
                batch.Commit(1200, _sinkAddress, observeTransit: true);
            }
            batch.Flush();
        }
    }

    // Datagram i: a 4-byte id, then filler up to a length that differs per datagram.
    private static int Add(SendBatch batch, int id, SocketAddress to)
    {
        var slot = batch.Reserve();
        var length = 4 + (id % 7 * 150);
        BitConverter.TryWriteBytes(slot, id);
        slot[4..length].Fill((byte)id);
        batch.Commit(length, to);
        return length;
    }

    private List<int> ReceiveIds(int expected, TimeSpan? wait = null)
    {
        var ids = new List<int>();
        var buffer = new byte[4096];
        var deadline = DateTime.UtcNow + (wait ?? TimeSpan.FromSeconds(10));
        while (ids.Count < expected && DateTime.UtcNow < deadline)
        {
            if (!_sink.Poll(TimeSpan.FromMilliseconds(50), SelectMode.SelectRead))
            {
                continue;
            }
            var length = _sink.Receive(buffer);
            var id = BitConverter.ToInt32(buffer, 0);
            Assert.Equal(4 + (id % 7 * 150), length);
            Assert.All(buffer.AsSpan(4, length - 4).ToArray(), b => Assert.Equal((byte)id, b));
            ids.Add(id);
        }
        return ids;
    }
}
