using BridgeRelay.Link;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Relay.Link;

public class RelayLinkHealthTests
{
    private readonly FakeTimeProvider _time = new();

    private long Now => _time.GetTimestamp();

    [Fact]
    public void Keepalive_is_due_at_once_then_every_500_ms()
    {
        var health = new RelayLinkHealth(_time);

        Assert.True(health.ShouldSendKeepalive(Now));
        Assert.False(health.ShouldSendKeepalive(Now));
        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(health.ShouldSendKeepalive(Now));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(health.ShouldSendKeepalive(Now));
        Assert.False(health.ShouldSendKeepalive(Now));
    }

    [Fact]
    public void Rtt_comes_from_acks_and_is_smoothed_by_an_eighth()
    {
        var health = new RelayLinkHealth(_time);
        Assert.False(health.HasRtt);

        long sent = Now;
        _time.Advance(TimeSpan.FromMilliseconds(80));
        health.OnKeepaliveAck(sent, Now);
        Assert.True(health.HasRtt);
        Assert.Equal(TimeSpan.FromMilliseconds(80), health.LastRtt);
        Assert.Equal(TimeSpan.FromMilliseconds(80), health.SmoothedRtt);

        sent = Now;
        _time.Advance(TimeSpan.FromMilliseconds(160));
        health.OnKeepaliveAck(sent, Now);
        Assert.Equal(TimeSpan.FromMilliseconds(160), health.LastRtt);
        Assert.Equal(TimeSpan.FromMilliseconds(90), health.SmoothedRtt); // 80 + (160 - 80) / 8
    }

    [Fact]
    public void Acks_from_the_future_or_older_than_down_after_are_ignored()
    {
        var health = new RelayLinkHealth(_time);
        long start = Now;
        _time.Advance(TimeSpan.FromSeconds(4));

        health.OnKeepaliveAck(Now + 1, Now);
        health.OnKeepaliveAck(start, Now);

        Assert.False(health.HasRtt);
        Assert.Equal(TimeSpan.Zero, health.SmoothedRtt);
    }

    [Fact]
    public void Starts_down_goes_up_on_a_datagram_down_after_3_s_silence_and_up_again()
    {
        var health = new RelayLinkHealth(_time);
        Assert.True(health.IsDown(Now));
        Assert.Equal(RelayLinkState.Down, health.State);

        health.OnDatagram(Now);
        Assert.Equal(RelayLinkState.Up, health.State);
        Assert.False(health.IsDown(Now));

        _time.Advance(TimeSpan.FromMilliseconds(2999));
        Assert.False(health.IsDown(Now));
        health.OnDatagram(Now);
        _time.Advance(TimeSpan.FromMilliseconds(2999));
        Assert.False(health.IsDown(Now));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(health.IsDown(Now));
        Assert.Equal(RelayLinkState.Down, health.State);
        Assert.Equal(2, health.Transitions);

        health.OnDatagram(Now);
        Assert.False(health.IsDown(Now));
        Assert.Equal(RelayLinkState.Up, health.State);
        Assert.Equal(3, health.Transitions);
    }

    [Fact]
    public void Down_after_and_interval_are_configurable()
    {
        var health = new RelayLinkHealth(_time, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));
        health.OnDatagram(Now);
        Assert.True(health.ShouldSendKeepalive(Now));
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(health.ShouldSendKeepalive(Now));

        _time.Advance(TimeSpan.FromMilliseconds(900));
        Assert.True(health.IsDown(Now));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RelayLinkHealth(_time, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
    }
}
