using System.Text.Json;
using Bridge.Tests.Signaling.Clients;

namespace Bridge.Tests.Signaling.Features;

/// <summary>
/// Acceptance criterion 1 of the conference features: chat merged across visitor nodes in one order decided by main, over
/// real WebSockets to an in-process fleet (main, three visitor nodes, bridges), and the history for late joiners.
/// </summary>
public class ChatFleetTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Fifty_concurrent_messages_from_2_participants_and_6_visitors_on_2_nodes_reach_all_8_once_in_one_order_and_late_joiners_get_the_history()
    {
        await using var fleet = await FeatureFleet.StartAsync(nodes: 3);
        var clients = new List<TestClient>();
        try
        {
            clients.Add((await FeatureFleet.ParticipantAsync(fleet, "Ann")).Client);
            clients.Add((await FeatureFleet.ParticipantAsync(fleet, "Bob")).Client);
            for (var i = 0; i < 6; i++)
            {
                // v3 takes no visitor yet: it takes the room up only after the messages.
                clients.Add((await FeatureFleet.VisitorAtAsync(fleet, i < 3 ? "v1" : "v2", $"Viewer {i}")).Client);
            }

            foreach (var c in clients)
            {
                Assert.Empty(await FeatureFleet.HistoryAsync(c));
            }

            var received = clients.Select(c => CollectAsync(c, 50)).ToList();
            // 50 messages from all 8 clients at once: client k sends messages k, k+8, ...
            await Task.WhenAll(clients.Select(async (c, k) =>
            {
                for (var i = k; i < 50; i += clients.Count)
                {
                    await c.SendAsync(FeatureFleet.Chat($"m{i}"));
                }
            }));

            var orders = await Task.WhenAll(received);
            var first = orders[0];
            Assert.Equal(Enumerable.Range(0, 50).Select(i => $"m{i}").Order(), first.Select(m => m.Text).Order());
            Assert.True(first.Zip(first.Skip(1)).All(p => p.First.Seq < p.Second.Seq), "main's sequence numbers must rise");
            for (var k = 1; k < orders.Length; k++)
            {
                Assert.Equal(first, orders[k]);
            }

            // Exactly once: nothing more arrives after the 50 (a ping's pong closes the check).
            foreach (var c in clients)
            {
                await c.SendAsync("""{"v":1,"type":"ping","id":"after"}""");
                Assert.Equal("after", (await c.ExpectAsync("pong")).GetProperty("id").GetString());
            }

            // A late visitor on a node holding the room, and the third node taking the room up, get the same history.
            await using var late = (await FeatureFleet.VisitorAtAsync(fleet, "v1", "Late")).Client;
            Assert.Equal(first, await FeatureFleet.HistoryAsync(late));
            await using var third = (await FeatureFleet.VisitorAtAsync(fleet, "v3", "Third")).Client;
            Assert.Equal(first, await FeatureFleet.HistoryAsync(third));

            // And both get what follows, once, after the history.
            await clients[5].SendAsync(FeatureFleet.Chat("after the history"));
            foreach (var c in new[] { late, third, clients[0] })
            {
                var next = FeatureFleet.Entry(await c.ExpectAsync("chat"));
                Assert.Equal(("after the history", true), (next.Text, next.Seq > first[^1].Seq));
            }
        }
        finally
        {
            foreach (var c in clients)
            {
                await c.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Private_messages_stay_between_participants_and_the_moderator_turns_visitor_chat_off_and_on()
    {
        await using var fleet = await FeatureFleet.StartAsync(nodes: 1);
        var (ann, _) = await FeatureFleet.ParticipantAsync(fleet, "Ann");
        await using var _a = ann;
        var (bob, bobId) = await FeatureFleet.ParticipantAsync(fleet, "Bob");
        await using var _b = bob;
        var (vera, veraId) = await FeatureFleet.VisitorAtAsync(fleet, "v1", "Vera");
        await using var _v = vera;
        Assert.True((await ann.ExpectAsync("chat.settings")).GetProperty("moderator").GetBoolean());
        Assert.False((await bob.ExpectAsync("chat.settings")).GetProperty("moderator").GetBoolean());
        Assert.True((await vera.ExpectAsync("chat.settings")).GetProperty("visitorChat").GetBoolean());

        // A visitor may not write privately; nobody may write privately to a visitor.
        await vera.SendAsync(FeatureFleet.Chat("psst", to: "p-1", id: "dm1"));
        var refused = await vera.ExpectErrorAsync("forbidden", fatal: false);
        Assert.Equal("dm1", refused.GetProperty("inReplyTo").GetString());
        Assert.Contains("private", refused.GetProperty("message").GetString(), StringComparison.Ordinal);
        await ann.SendAsync(FeatureFleet.Chat("psst", to: veraId, id: "dm2"));
        Assert.Equal("dm2", (await ann.ExpectErrorAsync("forbidden", fatal: false)).GetProperty("inReplyTo").GetString());

        // Between participants it reaches both of them and nobody else.
        await ann.SendAsync(FeatureFleet.Chat("just for Bob", to: bobId));
        foreach (var c in new[] { ann, bob })
        {
            var dm = await c.ExpectAsync("chat");
            Assert.Equal(("just for Bob", true), (dm.GetProperty("text").GetString(), dm.GetProperty("private").GetBoolean()));
        }

        await ann.SendAsync(FeatureFleet.Chat("hello all"));
        foreach (var c in new[] { ann, bob, vera })
        {
            var seen = await c.ExpectAsync("chat");
            Assert.Equal(("hello all", false), (seen.GetProperty("text").GetString(), seen.GetProperty("private").GetBoolean()));
        }

        // Only a moderator switches visitor chat: Bob and Vera are refused, the connection stays.
        await bob.SendAsync("""{"v":1,"type":"mod.visitor-chat","id":"m1","enabled":false}""");
        Assert.Equal("m1", (await bob.ExpectErrorAsync("forbidden", fatal: false)).GetProperty("inReplyTo").GetString());
        await vera.SendAsync("""{"v":1,"type":"mod.visitor-chat","id":"m2","enabled":false}""");
        await vera.ExpectErrorAsync("forbidden", fatal: false);

        await ann.SendAsync("""{"v":1,"type":"mod.visitor-chat","id":"m3","enabled":false}""");
        foreach (var c in new[] { ann, bob, vera })
        {
            Assert.False((await c.ExpectAsync("chat.settings")).GetProperty("visitorChat").GetBoolean());
        }

        await vera.SendAsync(FeatureFleet.Chat("may I?", id: "off"));
        var off = await vera.ExpectErrorAsync("forbidden", fatal: false);
        Assert.Equal("off", off.GetProperty("inReplyTo").GetString());
        await vera.PingAsync("still-open");

        await ann.SendAsync("""{"v":1,"type":"mod.visitor-chat","enabled":true}""");
        Assert.True((await vera.ExpectAsync("chat.settings")).GetProperty("visitorChat").GetBoolean());
        await vera.SendAsync(FeatureFleet.Chat("thanks"));
        foreach (var c in new[] { ann, bob, vera })
        {
            var chat = await c.ExpectAsync("chat");
            Assert.Equal(("thanks", "visitor", veraId), (chat.GetProperty("text").GetString(), chat.GetProperty("from").GetProperty("role").GetString(), chat.GetProperty("from").GetProperty("id").GetString()));
        }

        // A visitor arriving now hears the setting and the public history, without the private message.
        var (late, _) = await FeatureFleet.VisitorAtAsync(fleet, "v1", "Late");
        await using var _l = late;
        Assert.Equal(["hello all", "thanks"], (await FeatureFleet.HistoryAsync(late)).Select(m => m.Text));
    }

    /// <summary>Reads <paramref name="count"/> <c>chat</c> messages (skipping other pushes) as (seq, text).</summary>
    private static async Task<List<(long Seq, string Text)>> CollectAsync(TestClient client, int count)
    {
        var chats = new List<(long, string)>();
        var deadline = DateTime.UtcNow + Wait;
        while (chats.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {chats.Count} of {count} chat messages arrived");
            JsonElement message = await client.ReceiveAsync();
            if (message.GetProperty("type").GetString() == "chat")
            {
                chats.Add(FeatureFleet.Entry(message));
            }
        }

        return chats;
    }
}
