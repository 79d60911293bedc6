using Microsoft.Extensions.Time.Testing;
using Signaling.Federation;

namespace Bridge.Tests.Signaling.Federation;

/// <summary>The bus contract against the in-memory bus, plus what only it can show with a fake clock.</summary>
public sealed class InProcessFederationBusTests : FederationBusContract
{
    protected override Task<IFederationBus> CreateBusCoreAsync(long maxLength) =>
        Task.FromResult<IFederationBus>(new InProcessFederationBus(maxLength));

    [Theory]
    [InlineData("main", "v1", "fed:main->v1")]
    [InlineData("v-7.eu_west", "main", "fed:v-7.eu_west->main")]
    public void Stream_names_are_fed_from_arrow_to(string from, string to, string expected) =>
        Assert.Equal(expected, FederationStreams.Name(from, to));

    [Theory]
    [InlineData("", "v1")]
    [InlineData("main", "")]
    [InlineData("ma in", "v1")]
    [InlineData("a>b", "v1")]
    [InlineData("main", "v:1")]
    public void Bad_node_ids_are_rejected(string from, string to) =>
        Assert.Throws<ArgumentException>(() => FederationStreams.Name(from, to));

    [Fact]
    public async Task Ids_stay_increasing_when_the_clock_stalls_or_goes_back()
    {
        var time = new SettableClock { Milliseconds = 5_000 };
        await using var bus = new InProcessFederationBus(time: time);
        var ids = new List<string> { await bus.PublishAsync("s", NewEvent(0)), await bus.PublishAsync("s", NewEvent(1)) };
        time.Milliseconds = 4_000;
        ids.Add(await bus.PublishAsync("s", NewEvent(2)));
        time.Milliseconds = 6_000;
        ids.Add(await bus.PublishAsync("s", NewEvent(3)));
        Assert.Equal(["5000-0", "5000-1", "5000-2", "6000-0"], ids);
    }

    [Fact]
    public async Task An_idempotency_key_is_forgotten_after_the_window()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));
        await using var bus = new InProcessFederationBus(idempotencyWindow: TimeSpan.FromMinutes(1), time: time);
        var e = NewEvent(0);
        var first = await bus.PublishAsync("s", e);
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(first, await bus.PublishAsync("s", e));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.NotEqual(first, await bus.PublishAsync("s", e));
    }

    [Fact]
    public async Task Concurrent_publishers_and_subscribers_see_one_total_order()
    {
        await using var bus = new InProcessFederationBus();
        const int Publishers = 4, Each = 500;
        var readers = Enumerable.Range(0, 3)
            .Select(_ => CollectAsync(bus, "s", null, Publishers * Each, TimeSpan.FromSeconds(20), quietMs: 100)).ToArray();
        await Task.WhenAll(Enumerable.Range(0, Publishers).Select(p => Task.Run(async () =>
        {
            for (var i = 0; i < Each; i++)
            {
                await bus.PublishAsync("s", NewEvent(p * Each + i));
            }
        })));
        var results = await Task.WhenAll(readers);
        foreach (var r in results)
        {
            Assert.Equal(Publishers * Each, r.Count);
            AssertStrictlyAscending(r);
            Assert.Equal(results[0].Select(e => e.Id), r.Select(e => e.Id));
        }
    }

    // FakeTimeProvider refuses to go back in time; a wall clock can.
    private sealed class SettableClock : TimeProvider
    {
        public long Milliseconds { get; set; }

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(Milliseconds);
    }
}
