using Microsoft.Extensions.Time.Testing;
using Signaling.Protocol;

namespace Bridge.Tests.Signaling.Protocol;

public class ClientRateLimiterTests
{
    [Fact]
    public void Flood_of_1000_messages_in_one_second_admits_at_most_burst_plus_sustained_then_closes()
    {
        var time = new FakeTimeProvider();
        var limiter = new ClientRateLimiter(time: time);
        var decisions = new List<RateDecision>();
        for (var i = 0; i < 1000; i++)
        {
            decisions.Add(limiter.TryConsume());
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        var allowed = decisions.Count(d => d == RateDecision.Allowed);
        Assert.InRange(allowed, 40, 40 + 20);
        var firstClose = decisions.IndexOf(RateDecision.Close);
        Assert.True(firstClose > 0, "the flood never closed the client");
        Assert.Equal(51, decisions.Take(firstClose).Count(d => d == RateDecision.Limited) + 1);
        Assert.All(decisions.Skip(firstClose), d => Assert.Equal(RateDecision.Close, d));
    }

    [Fact]
    public void Close_is_sticky_even_after_a_long_quiet()
    {
        var time = new FakeTimeProvider();
        var limiter = new ClientRateLimiter(time: time);
        while (limiter.TryConsume() != RateDecision.Close)
        {
        }

        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(RateDecision.Close, limiter.TryConsume());
    }

    [Fact]
    public void Well_behaved_client_at_10_per_second_is_never_limited()
    {
        var time = new FakeTimeProvider();
        var limiter = new ClientRateLimiter(time: time);
        for (var i = 0; i < 10 * 3600; i++)
        {
            Assert.Equal(RateDecision.Allowed, limiter.TryConsume());
            time.Advance(TimeSpan.FromMilliseconds(100));
        }
    }

    [Fact]
    public void Burst_is_admitted_at_once_then_refills_at_the_sustained_rate()
    {
        var time = new FakeTimeProvider();
        var limiter = new ClientRateLimiter(time: time);
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal(RateDecision.Allowed, limiter.TryConsume());
        }

        Assert.Equal(RateDecision.Limited, limiter.TryConsume());
        time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(RateDecision.Allowed, limiter.TryConsume());
        Assert.Equal(RateDecision.Limited, limiter.TryConsume());

        // A quiet minute refills the bucket to the burst, not beyond.
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(40, Enumerable.Range(0, 100).Count(_ => limiter.TryConsume() == RateDecision.Allowed));
    }

    [Fact]
    public void Occasional_overruns_spread_beyond_the_window_never_close()
    {
        var time = new FakeTimeProvider();
        var limiter = new ClientRateLimiter(time: time);
        for (var round = 0; round < 100; round++)
        {
            // Empty the bucket and overrun it by 30, then rest 11 s: each window sees 30 refusals, below 50.
            var limited = 0;
            for (var i = 0; i < 70; i++)
            {
                var decision = limiter.TryConsume();
                Assert.NotEqual(RateDecision.Close, decision);
                limited += decision == RateDecision.Limited ? 1 : 0;
            }

            Assert.Equal(30, limited);
            time.Advance(TimeSpan.FromSeconds(11));
        }
    }

    [Fact]
    public void Options_are_honoured_and_validated()
    {
        var time = new FakeTimeProvider();
        var limiter = new ClientRateLimiter(new RateLimitOptions { Burst = 2, SustainedPerSecond = 1, CloseAfterLimited = 1 }, time);

        Assert.Equal(RateDecision.Allowed, limiter.TryConsume());
        Assert.Equal(RateDecision.Allowed, limiter.TryConsume());
        Assert.Equal(RateDecision.Limited, limiter.TryConsume());
        Assert.Equal(RateDecision.Close, limiter.TryConsume());

        Assert.Throws<ArgumentOutOfRangeException>(() => new ClientRateLimiter(new RateLimitOptions { Burst = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClientRateLimiter(new RateLimitOptions { SustainedPerSecond = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClientRateLimiter(new RateLimitOptions { AbuseWindow = TimeSpan.Zero }));
    }

    [Fact]
    public void Limiters_of_different_clients_are_independent()
    {
        var time = new FakeTimeProvider();
        var flooder = new ClientRateLimiter(time: time);
        var polite = new ClientRateLimiter(time: time);
        while (flooder.TryConsume() != RateDecision.Close)
        {
        }

        Assert.Equal(RateDecision.Allowed, polite.TryConsume());
    }

    [Fact]
    public void Refusals_are_rate_limited_errors_fatal_only_on_close()
    {
        Assert.Null(ClientRateLimiter.Refusal(RateDecision.Allowed));
        Assert.Equal((ErrorCode.RateLimited, false), ClientRateLimiter.Refusal(RateDecision.Limited) is { } limited ? (limited.Code, limited.Fatal) : default);
        Assert.Equal((ErrorCode.RateLimited, true), ClientRateLimiter.Refusal(RateDecision.Close) is { } close ? (close.Code, close.Fatal) : default);
    }
}
