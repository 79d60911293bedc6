using System.Collections.Concurrent;
using Signaling.Federation;

namespace Bridge.Tests.Signaling.Federation;

/// <summary>
/// The acceptance scenarios for the Redis bus: the subscriber's link is cut (TCP proxy stopped) or redis-server is
/// SIGKILLed and restarted on the same port and AOF dir, while events keep being published; every event arrives exactly once, in order.
/// </summary>
[Trait("Category", "Redis")]
public sealed class RedisFederationReconnectTests
{
    private static RedisFederationBusOptions Options(int port) => new(RedisServer.ConnectionStringFor(port));

    [Fact]
    public async Task A_cut_subscriber_link_loses_and_duplicates_nothing()
    {
        using var server = RedisServer.Start();
        using var proxy = new TcpProxy(server.Port);
        proxy.Start();
        await using var subscriber = await RedisFederationBus.ConnectAsync(Options(proxy.Port));
        await using var publisher = await RedisFederationBus.ConnectAsync(Options(server.Port));
        var states = new ConcurrentQueue<FederationLinkState>();
        subscriber.StateChanged += (_, s) => states.Enqueue(s);
        var stream = FederationStreams.Name("main", "v1");

        var collecting = FederationBusContract.CollectAsync(subscriber, stream, null, 200, TimeSpan.FromSeconds(12), quietMs: 500);
        var published = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            if (i == 50)
            {
                proxy.Stop();
            }

            if (i == 150)
            {
                Assert.Equal(FederationLinkState.Disconnected, subscriber.State);
                proxy.Start();
            }

            published.Add(await publisher.PublishAsync(stream, FederationEvent.Create("acme/room", "chat", $"{{\"n\":{i}}}", "main")));
            await Task.Delay(20); // 100 events over the ~2 s cut
        }

        var got = await collecting;
        Assert.Equal(published, got.Select(e => e.Id));
        Assert.Equal(FederationLinkState.Connected, subscriber.State);
        Assert.Contains(FederationLinkState.Disconnected, states);
    }

    [Fact]
    public async Task A_redis_restart_loses_and_duplicates_nothing_and_retried_publishes_are_stored_once()
    {
        using var server = RedisServer.Start();
        await using var subscriber = await RedisFederationBus.ConnectAsync(Options(server.Port));
        await using var publisher = await RedisFederationBus.ConnectAsync(Options(server.Port));
        var stream = FederationStreams.Name("v1", "main");
        var collecting = FederationBusContract.CollectAsync(subscriber, stream, null, 150, TimeSpan.FromSeconds(12), quietMs: 500);

        var events = new List<FederationEvent>();
        var ids = new List<string>();
        var failures = 0;
        using var restarted = new ManualResetEventSlim();
        Task? restart = null;
        for (var i = 0; i < 150; i++)
        {
            if (i == 60)
            {
                server.Kill();
                restart = Task.Run(async () =>
                {
                    await Task.Delay(1000);
                    server.Restart();
                    restarted.Set();
                });
            }

            var e = FederationEvent.Create("acme/room", "hand-raised", $"{{\"n\":{i}}}", "v1");
            events.Add(e);
            while (true)
            {
                try
                {
                    ids.Add(await publisher.PublishAsync(stream, e));
                    break;
                }
                catch (FederationUnavailableException)
                {
                    // The test's publisher retries the same event (same idempotency key) until Redis is back.
                    failures++;
                    await Task.Delay(50);
                }
            }

            await Task.Delay(10);
        }

        await restart!;
        Assert.True(restarted.IsSet);
        Assert.True(failures > 0, "the outage should have made some publishes fail");

        // A retry whose first attempt was applied before the crash (reply lost) must return the stored id, not add an entry.
        for (var i = 50; i < 60; i++)
        {
            Assert.Equal(ids[i], await publisher.PublishAsync(stream, events[i]));
        }

        var got = await collecting;
        Assert.Equal(ids, got.Select(e => e.Id));
        Assert.Equal(events.Select(e => e.Key), got.Select(e => e.Key));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task A_redis_that_lost_its_data_makes_a_resuming_subscriber_resync()
    {
        using var server = RedisServer.Start();
        await using var bus = await RedisFederationBus.ConnectAsync(Options(server.Port));
        var stream = FederationStreams.Name("main", "v2");
        var last = "";
        for (var i = 0; i < 5; i++)
        {
            last = await bus.PublishAsync(stream, FederationEvent.Create("acme/room", "chat", "{}", "main"));
        }

        server.Kill();
        server.WipeData();
        server.Restart();

        // New history gets ids above the old position, so without the gap check the subscriber would silently carry on.
        await RetryPublishAsync(bus, stream, FederationEvent.Create("acme/room", "chat", "{}", "main"));
        await Assert.ThrowsAsync<FederationGapException>(
            () => FederationBusContract.CollectAsync(bus, stream, last, 1, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_bus_created_while_redis_is_down_connects_when_it_comes_up()
    {
        var port = RedisServer.FreePort();
        await using var bus = await RedisFederationBus.ConnectAsync(Options(port));
        Assert.Equal(FederationLinkState.Disconnected, bus.State);
        var stream = FederationStreams.Name("main", "v3");
        await Assert.ThrowsAsync<FederationUnavailableException>(
            () => bus.PublishAsync(stream, FederationEvent.Create("acme/room", "chat", "{}", "main")));
        var collecting = FederationBusContract.CollectAsync(bus, stream, null, 1, TimeSpan.FromSeconds(10));
        using var server = RedisServer.StartAt(port);
        var id = await RetryPublishAsync(bus, stream, FederationEvent.Create("acme/room", "chat", "{}", "main"));
        Assert.Equal([id], (await collecting).Select(e => e.Id));
        Assert.Equal(FederationLinkState.Connected, bus.State);
    }

    [Fact]
    public async Task Bad_options_are_refused_before_connecting()
    {
        Assert.Empty(new RedisFederationBusOptions("127.0.0.1:6390,abortConnect=false").Validate());
        RedisFederationBusOptions[] bad =
        [
            new(""), new("   "), new(",,,"), new("127.0.0.1:1") { MaxStreamLength = 0 },
            new("127.0.0.1:1") { PollInterval = TimeSpan.Zero }, new("127.0.0.1:1") { ReadBatchSize = 0 },
            new("127.0.0.1:1") { IdempotencyWindow = TimeSpan.FromMilliseconds(10) },
            new("127.0.0.1:1") { ReconnectMinDelay = TimeSpan.FromSeconds(2), ReconnectMaxDelay = TimeSpan.FromSeconds(1) },
        ];
        foreach (var options in bad)
        {
            Assert.NotEmpty(options.Validate());
            await Assert.ThrowsAsync<ArgumentException>(() => RedisFederationBus.ConnectAsync(options));
        }
    }

    private static async Task<string> RetryPublishAsync(RedisFederationBus bus, string stream, FederationEvent e)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                return await bus.PublishAsync(stream, e);
            }
            catch (FederationUnavailableException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
