using System.Text.Json;
using Bridge.Tests.Signaling.Clients;
using Fleet;
using Microsoft.Extensions.DependencyInjection;
using Signaling.Federation;
using Signaling.Features;

namespace Bridge.Tests.Signaling.Features;

/// <summary>Reactions aggregated at the visitor nodes and merged by main, over real WebSockets to an in-process fleet.</summary>
public class ReactionFleetTests
{
    private static readonly string[] Burst = ["👍", "🎉", "👍", "❤️"];

    [Fact]
    public async Task Reactions_of_many_visitors_reach_everyone_merged_with_exact_totals_and_main_gets_about_one_event_per_node_and_second()
    {
        await using var fleet = await FeatureFleet.StartAsync(nodes: 2);
        var (ann, _) = await FeatureFleet.ParticipantAsync(fleet, "Ann");
        await using var _a = ann;
        var visitors = new List<TestClient>();
        try
        {
            for (var i = 0; i < 8; i++)
            {
                visitors.Add((await FeatureFleet.VisitorAtAsync(fleet, i % 2 == 0 ? "v1" : "v2", $"Viewer {i}")).Client);
            }

            var started = DateTimeOffset.UtcNow;
            // Each visitor: 2 👍, 1 🎉, 1 ❤️ (under the allowance of 5); visitor 0 on v1 also floods 20 👏 at once.
            await Task.WhenAll(visitors.Select(async v =>
            {
                foreach (var emoji in Burst)
                {
                    await v.SendAsync(Reaction(emoji));
                }
            }));
            for (var i = 0; i < 20; i++)
            {
                await visitors[0].SendAsync(Reaction("👏"));
            }

            await ann.SendAsync(Reaction("😮"));

            // Every reaction has been read by its node once v1 accounted for 4 × 4 + 20 and v2 for 4 × 4.
            var v1 = fleet.NodeServices("v1").GetRequiredService<FeatureMetrics>();
            var v2 = fleet.NodeServices("v2").GetRequiredService<FeatureMetrics>();
            Assert.True(await global::Bridge.Client.SimulatedPeer.WaitUntilAsync(
                () => v1.ReactionsAccepted + v1.ReactionsDropped == 36 && v2.ReactionsAccepted == 16, TimeSpan.FromSeconds(15)), "the nodes did not read every reaction");
            var dropped = v1.ReactionsDropped;
            // Visitor 0 spent 4 of its 5 on the burst: of its 20 👏 one passes, plus what the bucket refilled meanwhile.
            Assert.InRange(dropped, 10, 19);
            var expected = new Dictionary<string, int> { ["👍"] = 16, ["🎉"] = 8, ["❤️"] = 8, ["👏"] = 20 - (int)dropped, ["😮"] = 1 };
            Assert.Equal(expected, await TotalsAsync(ann, expected));
            Assert.Equal(expected, await TotalsAsync(visitors[1], expected));
            Assert.Equal(0, v2.ReactionsDropped);

            // 36 reactions from each node's visitors reached main as a handful of aggregated events.
            var elapsed = (DateTimeOffset.UtcNow - started).TotalSeconds;
            foreach (var node in new[] { "v1", "v2" })
            {
                var events = await ReactionEventsAsync(fleet, FederationStreams.Name(node, "main"));
                Assert.InRange(events.Count, 1, (int)Math.Ceiling(elapsed) + 1);
                Assert.True(events.Zip(events.Skip(1)).All(p => (p.Second - p.First).TotalMilliseconds > 500), "a node sent two reaction events within one interval");
            }
        }
        finally
        {
            foreach (var v in visitors)
            {
                await v.DisposeAsync();
            }
        }
    }

    private static string Reaction(string emoji) => JsonSerializer.Serialize(new { v = 1, type = "reaction.send", emoji });

    /// <summary>Sums <c>reactions</c> pushes until they reach <paramref name="expected"/> (or 20 s pass), then 2.5 s more to catch any extra.</summary>
    private static async Task<Dictionary<string, int>> TotalsAsync(TestClient client, Dictionary<string, int> expected)
    {
        var totals = new Dictionary<string, int>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        DateTime? settled = null;
        while (DateTime.UtcNow < (settled ?? deadline))
        {
            // A ping bounds each read: everything pushed before the pong is counted.
            await client.SendAsync("""{"v":1,"type":"ping","id":"r"}""");
            JsonElement message;
            while ((message = await client.ReceiveAsync()).GetProperty("type").GetString() != "pong")
            {
                if (message.GetProperty("type").GetString() == "reactions")
                {
                    Assert.Equal(1000, message.GetProperty("intervalMs").GetInt32());
                    foreach (var count in message.GetProperty("counts").EnumerateObject())
                    {
                        totals[count.Name] = totals.GetValueOrDefault(count.Name) + count.Value.GetInt32();
                    }
                }
            }

            if (settled is null && totals.Count == expected.Count && totals.All(t => expected.GetValueOrDefault(t.Key) == t.Value))
            {
                settled = DateTime.UtcNow + TimeSpan.FromSeconds(2.5);
            }

            await Task.Delay(200);
        }

        return totals;
    }

    /// <summary>The timestamps of the <c>reactions</c> events stored on <paramref name="stream"/>.</summary>
    private static async Task<List<DateTimeOffset>> ReactionEventsAsync(LocalSignalingFleet fleet, string stream)
    {
        var bus = fleet.MainServices.GetRequiredService<IFederationBus>();
        var found = new List<DateTimeOffset>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await foreach (var e in bus.SubscribeAsync(stream, null, cts.Token))
            {
                if (e.Type == "reactions")
                {
                    found.Add(e.Timestamp);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Read everything stored so far.
        }

        return found;
    }
}
