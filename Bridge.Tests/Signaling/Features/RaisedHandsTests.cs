using Signaling.Features.Hands;

namespace Bridge.Tests.Signaling.Features;

/// <summary>Raised hands of a room: raising order, lower, approve/deny once, the promotion limit.</summary>
public class RaisedHandsTests
{
    [Fact]
    public void Hands_queue_in_raising_order_and_each_is_decided_once()
    {
        var queue = new RaisedHands(maxPromoted: 5);
        Assert.True(queue.Raise("v1-1", "Vera", "v1"));
        Assert.True(queue.Raise("v2-1", "Viktor", "v2"));
        Assert.False(queue.Raise("v1-1", "Vera", "v1"));
        Assert.True(queue.Raise("v1-2", "Walt", "v1"));
        Assert.True(queue.Lower("v1-2"));
        Assert.False(queue.Lower("v1-2"));

        var (version, hands) = queue.Snapshot();
        Assert.Equal(4, version);
        Assert.Equal(["v1-1", "v2-1"], hands.Select(h => h.UserId));

        Assert.Equal(HandDecision.Approved, queue.Decide("v1-1", approve: true, out var approved));
        Assert.Equal("v1", approved!.Node);
        Assert.Equal(HandDecision.NotRaised, queue.Decide("v1-1", approve: true, out _));
        Assert.Equal(HandDecision.Denied, queue.Decide("v2-1", approve: false, out var denied));
        Assert.Equal("Viktor", denied!.Name);
        Assert.Empty(queue.Snapshot().Hands);
        Assert.Equal(1, queue.Promoted);
    }

    [Fact]
    public void Approvals_beyond_the_limit_are_refused_and_the_hand_stays_queued()
    {
        var queue = new RaisedHands(maxPromoted: 1);
        queue.Raise("a", "A", "v1");
        queue.Raise("b", "B", "v1");
        Assert.Equal(HandDecision.Approved, queue.Decide("a", approve: true, out _));
        Assert.Equal(HandDecision.LimitReached, queue.Decide("b", approve: true, out _));
        Assert.Equal(["b"], queue.Snapshot().Hands.Select(h => h.UserId));
        Assert.Equal(HandDecision.Denied, queue.Decide("b", approve: false, out _));
    }
}
