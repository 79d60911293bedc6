using BridgeRelay.Link;

namespace Bridge.Tests.Relay.Link;

public class RelayAllocationTests
{
    private static int RoundTrip(RelayCipher a, RelayCipher b, byte[] payload, byte[] datagram, byte[] control)
    {
        int failures = a.TryProtect(RelayKind.Rtp, 1, RelayCipherTests.LinkId, 7, 9, payload, datagram, out int written) ? 0 : 1;
        failures += b.Unprotect(datagram.AsSpan(0, written), out RelayHeader header, out int offset, out int length) == RelayUnprotectResult.Ok ? 0 : 1;
        failures += header.SourceId == 9 && length == payload.Length && datagram[offset] == payload[0] ? 0 : 1;

        int n = RelayControl.WriteNack(control, 9, [1, 2, 3]);
        failures += RelayControl.TryReadNack(control.AsSpan(0, n), out RelayNack nack) && nack.Get(2) == 3 ? 0 : 1;
        return failures;
    }

    [Fact]
    public void Protect_and_unprotect_allocate_nothing_after_warm_up()
    {
        using RelayCipher a = RelayCipherTests.A();
        using RelayCipher b = RelayCipherTests.B();
        byte[] payload = [.. Enumerable.Range(0, 1200).Select(i => (byte)i)];
        byte[] datagram = new byte[payload.Length + RelayCipher.Overhead];
        byte[] control = new byte[64];
        var health = new RelayLinkHealth(TimeProvider.System);
        var counters = new RelayLinkCounters();

        int failures = 0;
        for (int i = 0; i < 100; i++)
        {
            failures += RoundTrip(a, b, payload, datagram, control);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            failures += RoundTrip(a, b, payload, datagram, control);
            health.OnDatagram(i);
            counters.PacketsIn++;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, failures);
        Assert.Equal(0, allocated);
    }
}
