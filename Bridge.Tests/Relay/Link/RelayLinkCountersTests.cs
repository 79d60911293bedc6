using BridgeRelay.Link;

namespace Bridge.Tests.Relay.Link;

public class RelayLinkCountersTests
{
    [Fact]
    public void Every_unprotect_error_maps_to_the_drop_reason_of_the_same_name()
    {
        foreach (RelayUnprotectResult result in Enum.GetValues<RelayUnprotectResult>().Where(r => r != RelayUnprotectResult.Ok))
        {
            var counters = new RelayLinkCounters();
            counters.Drop(result);

            RelayDropReason reason = Enum.Parse<RelayDropReason>(result.ToString());
            Assert.Equal(1, counters.DroppedBy(reason));
            Assert.Equal(1, counters.Dropped);
        }
    }

    [Fact]
    public void Each_reason_has_its_own_field()
    {
        var counters = new RelayLinkCounters();
        RelayDropReason[] reasons = Enum.GetValues<RelayDropReason>();
        for (int i = 0; i < reasons.Length; i++)
        {
            for (int n = 0; n <= i; n++)
            {
                counters.Drop(reasons[i]);
            }
        }

        for (int i = 0; i < reasons.Length; i++)
        {
            Assert.Equal(i + 1, counters.DroppedBy(reasons[i]));
        }

        Assert.Equal(8, counters.DroppedLoop);
        Assert.Equal(7, counters.DroppedUnknownLink);
        Assert.Equal(36, counters.Dropped);
        Assert.Throws<ArgumentOutOfRangeException>(() => counters.Drop(RelayUnprotectResult.Ok));
    }
}
