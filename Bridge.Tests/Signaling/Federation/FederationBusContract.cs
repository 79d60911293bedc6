using Signaling.Federation;

namespace Bridge.Tests.Signaling.Federation;

/// <summary>Behaviour every <see cref="IFederationBus"/> must have; run against the in-process and the Redis bus.</summary>
public abstract class FederationBusContract : IAsyncLifetime
{
    private readonly List<IFederationBus> _buses = [];

    /// <summary>Creates a bus with the given retention bound.</summary>
    protected abstract Task<IFederationBus> CreateBusCoreAsync(long maxLength);

    protected async Task<IFederationBus> CreateBusAsync(long maxLength = FederationStreams.DefaultMaxLength)
    {
        var bus = await CreateBusCoreAsync(maxLength);
        _buses.Add(bus);
        return bus;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var bus in _buses)
        {
            await bus.DisposeAsync();
        }
    }

    protected static string NewStream() => FederationStreams.Name("main", "t" + Guid.NewGuid().ToString("N")[..12]);

    protected static FederationEvent NewEvent(int i) =>
        FederationEvent.Create("acme/standup", "chat", $$"""{"n":{{i}},"text":"hello \"world\" ü"}""", "main");

    /// <summary>
    /// Reads until <paramref name="count"/> events arrived (or <paramref name="timeout"/>), then keeps reading for a
    /// quiet period so that any extra (duplicate) event would be caught too.
    /// </summary>
    internal static async Task<List<FederationEvent>> CollectAsync(
        IFederationBus bus, string stream, string? afterId, int count, TimeSpan timeout, int quietMs = 300)
    {
        using var cts = new CancellationTokenSource(timeout);
        var list = new List<FederationEvent>();
        await foreach (var e in bus.SubscribeAsync(stream, afterId, cts.Token))
        {
            list.Add(e);
            if (list.Count == count)
            {
                cts.CancelAfter(quietMs);
            }
        }

        return list;
    }

    internal static void AssertStrictlyAscending(IReadOnlyList<FederationEvent> events)
    {
        for (var i = 1; i < events.Count; i++)
        {
            Assert.True(FederationEventId.TryParse(events[i - 1].Id, out var a));
            Assert.True(FederationEventId.TryParse(events[i].Id, out var b));
            Assert.True(a < b, $"ids out of order at {i}: {events[i - 1].Id} then {events[i].Id}");
        }
    }

    [Fact]
    public async Task Events_come_back_in_order_with_every_field_and_the_published_id()
    {
        var bus = await CreateBusAsync();
        var stream = NewStream();
        var published = new List<FederationEvent>();
        for (var i = 0; i < 50; i++)
        {
            var e = NewEvent(i);
            var id = await bus.PublishAsync(stream, e);
            published.Add(e with { Id = id });
        }

        var got = await CollectAsync(bus, stream, null, 50, TimeSpan.FromSeconds(5));
        Assert.Equal(published, got);
        AssertStrictlyAscending(got);
        Assert.Equal(FederationLinkState.Connected, bus.State);
    }

    [Fact]
    public async Task Subscribing_after_an_id_yields_exactly_the_later_events()
    {
        var bus = await CreateBusAsync();
        var stream = NewStream();
        var ids = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            ids.Add(await bus.PublishAsync(stream, NewEvent(i)));
        }

        var got = await CollectAsync(bus, stream, ids[19], 10, TimeSpan.FromSeconds(5));
        Assert.Equal(ids[20..], got.Select(e => e.Id));

        var none = await CollectAsync(bus, stream, ids[^1], 0, TimeSpan.FromMilliseconds(300));
        Assert.Empty(none);
    }

    [Fact]
    public async Task A_live_subscriber_receives_events_published_after_it_started()
    {
        var bus = await CreateBusAsync();
        var stream = NewStream();
        var first = await bus.PublishAsync(stream, NewEvent(0));
        var collecting = CollectAsync(bus, stream, first, 20, TimeSpan.FromSeconds(5));
        await Task.Delay(100);
        var ids = new List<string>();
        for (var i = 1; i <= 20; i++)
        {
            ids.Add(await bus.PublishAsync(stream, NewEvent(i)));
        }

        Assert.Equal(ids, (await collecting).Select(e => e.Id));
    }

    [Fact]
    public async Task Republishing_the_same_event_returns_the_first_id_and_stores_it_once()
    {
        var bus = await CreateBusAsync();
        var stream = NewStream();
        var e = NewEvent(1);
        var id1 = await bus.PublishAsync(stream, e);
        var id2 = await bus.PublishAsync(stream, e);
        var id3 = await bus.PublishAsync(stream, e with { Payload = "{}" });
        var other = await bus.PublishAsync(stream, NewEvent(2));
        Assert.Equal(id1, id2);
        Assert.Equal(id1, id3);
        Assert.NotEqual(id1, other);

        var got = await CollectAsync(bus, stream, null, 2, TimeSpan.FromSeconds(5));
        Assert.Equal([id1, other], got.Select(x => x.Id));

        // The key is per stream: the same event on another stream is a new entry there.
        var elsewhere = NewStream();
        await bus.PublishAsync(elsewhere, e);
        Assert.Single(await CollectAsync(bus, elsewhere, null, 1, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Streams_are_independent()
    {
        var bus = await CreateBusAsync();
        string a = NewStream(), b = NewStream();
        for (var i = 0; i < 10; i++)
        {
            await bus.PublishAsync(i % 2 == 0 ? a : b, NewEvent(i));
        }

        var fromA = await CollectAsync(bus, a, null, 5, TimeSpan.FromSeconds(5));
        var fromB = await CollectAsync(bus, b, null, 5, TimeSpan.FromSeconds(5));
        Assert.Equal([0, 2, 4, 6, 8], fromA.Select(e => N(e)));
        Assert.Equal([1, 3, 5, 7, 9], fromB.Select(e => N(e)));
    }

    [Fact]
    public async Task Retention_is_bounded_and_resuming_before_it_raises_a_gap()
    {
        var bus = await CreateBusAsync(maxLength: 10);
        var stream = NewStream();
        var ids = new List<string>();
        for (var i = 0; i < 500; i++)
        {
            ids.Add(await bus.PublishAsync(stream, NewEvent(i)));
        }

        // Everything retained is the newest suffix, in order; Redis's MAXLEN ~ may keep more than 10 but far fewer than 500.
        var all = await CollectAsync(bus, stream, null, 500, TimeSpan.FromSeconds(2), quietMs: 0);
        Assert.InRange(all.Count, 10, 250);
        Assert.Equal(ids[^all.Count..], all.Select(e => e.Id));

        var gap = await Assert.ThrowsAsync<FederationGapException>(() => CollectAsync(bus, stream, ids[0], 1, TimeSpan.FromSeconds(5)));
        Assert.Equal(stream, gap.Stream);
        Assert.Equal(ids[0], gap.AfterId);
        Assert.Equal(all[0].Id, gap.FirstRetainedId);

        var tail = await CollectAsync(bus, stream, ids[494], 5, TimeSpan.FromSeconds(5));
        Assert.Equal(ids[495..], tail.Select(e => e.Id));
    }

    [Fact]
    public async Task A_subscriber_that_falls_behind_the_retention_mid_stream_gets_a_gap()
    {
        var bus = await CreateBusAsync(maxLength: 10);
        var stream = NewStream();
        var first = await bus.PublishAsync(stream, NewEvent(0));
        await using var e = bus.SubscribeAsync(stream, null).GetAsyncEnumerator();
        Assert.True(await e.MoveNextAsync());
        Assert.Equal(first, e.Current.Id);
        for (var i = 1; i < 500; i++)
        {
            await bus.PublishAsync(stream, NewEvent(i));
        }

        await Assert.ThrowsAsync<FederationGapException>(async () => await e.MoveNextAsync());
    }

    [Fact]
    public async Task Resuming_on_a_stream_that_lost_its_history_raises_a_gap()
    {
        var bus = await CreateBusAsync();
        var stream = NewStream();

        // Never written (or wiped): a position there cannot be honoured.
        await Assert.ThrowsAsync<FederationGapException>(() => CollectAsync(bus, stream, "1-0", 1, TimeSpan.FromSeconds(5)));

        var id = await bus.PublishAsync(stream, NewEvent(0));
        Assert.True(FederationEventId.TryParse(id, out var parsed));
        var future = new FederationEventId(parsed.Milliseconds + 1000, 0).ToString();
        var gap = await Assert.ThrowsAsync<FederationGapException>(() => CollectAsync(bus, stream, future, 1, TimeSpan.FromSeconds(5)));
        Assert.Equal(id, gap.FirstRetainedId);
    }

    [Fact]
    public async Task Cancelling_ends_a_waiting_enumeration_cleanly()
    {
        var bus = await CreateBusAsync();
        var stream = NewStream();
        await bus.PublishAsync(stream, NewEvent(0));
        using var cts = new CancellationTokenSource();
        var count = 0;
        var reading = Task.Run(async () =>
        {
            await foreach (var unused in bus.SubscribeAsync(stream, null, cts.Token))
            {
                count++;
            }
        });
        await Task.Delay(200);
        Assert.False(reading.IsCompleted);
        await cts.CancelAsync();
        await reading.WaitAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(1, count);

        // WithCancellation flows the token the same way.
        using var cts2 = new CancellationTokenSource(200);
        var n = 0;
        await foreach (var unused in bus.SubscribeAsync(stream, null).WithCancellation(cts2.Token))
        {
            n++;
        }

        Assert.Equal(1, n);
    }

    [Fact]
    public async Task Disposing_the_bus_ends_its_subscriptions()
    {
        var bus = await CreateBusCoreAsync(100);
        var stream = NewStream();
        var changes = new List<FederationLinkState>();
        bus.StateChanged += (_, s) => changes.Add(s);
        var reading = CollectAsync(bus, stream, null, 1, TimeSpan.FromSeconds(30));
        await Task.Delay(100);
        await bus.DisposeAsync();
        Assert.Empty(await reading.WaitAsync(TimeSpan.FromSeconds(2)));
        Assert.Equal(FederationLinkState.Disconnected, bus.State);
        Assert.Equal([FederationLinkState.Disconnected], changes);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => bus.PublishAsync(stream, NewEvent(0)));
    }

    public static TheoryData<string> BadStreams => ["", " ", "a b", "fed:\u00e9", "x\n", new string('s', 201)];

    [Theory]
    [MemberData(nameof(BadStreams))]
    public async Task Bad_stream_names_are_rejected(string stream)
    {
        var bus = await CreateBusAsync();
        await Assert.ThrowsAnyAsync<ArgumentException>(() => bus.PublishAsync(stream, NewEvent(0)));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => CollectAsync(bus, stream, null, 1, TimeSpan.FromSeconds(1)));
    }

    public static TheoryData<string> BadIds => ["", "abc", "1", "1-", "-1", "1-2-3", "+1-0", " 1-0", "1-0 ", "123456789012345678901-0", "99999999999999999999-0", "1-a"];

    [Theory]
    [MemberData(nameof(BadIds))]
    public async Task Malformed_resume_ids_are_rejected(string afterId)
    {
        var bus = await CreateBusAsync();
        await Assert.ThrowsAnyAsync<ArgumentException>(() => CollectAsync(bus, NewStream(), afterId, 1, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Bad_events_are_rejected_and_nothing_is_stored()
    {
        var bus = await CreateBusAsync();
        var stream = NewStream();
        var good = NewEvent(0);
        FederationEvent[] bad =
        [
            good with { Key = "" }, good with { Key = "a:b" }, good with { Room = "" }, good with { Room = "acme/\u0001" },
            good with { Type = "" }, good with { Origin = new string('o', 257) }, good with { Payload = null! },
            good with { Payload = new string('p', FederationEvent.MaxPayloadLength + 1) },
        ];
        await Assert.ThrowsAsync<ArgumentNullException>(() => bus.PublishAsync(stream, null!));
        foreach (var e in bad)
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(() => bus.PublishAsync(stream, e));
        }

        var id = await bus.PublishAsync(stream, good);
        Assert.Equal([id], (await CollectAsync(bus, stream, null, 1, TimeSpan.FromSeconds(5))).Select(e => e.Id));
    }

    private static int N(FederationEvent e) =>
        System.Text.Json.JsonDocument.Parse(e.Payload).RootElement.GetProperty("n").GetInt32();
}
