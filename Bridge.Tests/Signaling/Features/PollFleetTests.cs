using System.Text.Json;
using Bridge.Tests.Signaling.Clients;
using Bridge.Tests.Signaling.Federation;
using Fleet;

namespace Bridge.Tests.Signaling.Features;

/// <summary>
/// Acceptance criterion 2 of the conference features: a poll created by a participant, voted by 2 participants and 6
/// visitors over 2 visitor nodes (some twice), ends with the exact tallies at every client; closing freezes it everywhere.
/// </summary>
public class PollFleetTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_poll_voted_by_all_8_some_twice_ends_with_exact_tallies_everywhere_and_closing_freezes_it()
    {
        await using var fleet = await FeatureFleet.StartAsync(nodes: 2);
        var clients = await JoinEightAsync(fleet);
        try
        {
            var (ann, bob, visitor) = (clients[0], clients[1], clients[2]);

            // A visitor cannot create a poll (non-fatal), nor can anyone create one with a single option.
            await visitor.SendAsync(Create("Visitors ask?", ["a", "b"], "vc"));
            Assert.Equal("vc", (await visitor.ExpectErrorAsync("forbidden", fatal: false)).GetProperty("inReplyTo").GetString());
            await ann.SendAsync("""{"v":1,"type":"poll.create","id":"one","question":"Q","options":["only"]}""");
            Assert.Equal("options", (await ann.ExpectErrorAsync("bad-field", fatal: false)).GetProperty("field").GetString());

            await ann.SendAsync(Create("Lunch?", ["Pizza", "Sushi", "Salad"], "pc"));
            var polls = await Task.WhenAll(clients.Select(c => PollsUntilAsync(c, p => p.GetArrayLength() == 1)));
            var poll = polls[0][0];
            var pollId = poll.GetProperty("id").GetString()!;
            Assert.Equal(("Lunch?", "Salad", false), (poll.GetProperty("question").GetString(), poll.GetProperty("options")[2].GetString(), poll.GetProperty("closed").GetBoolean()));
            Assert.All(polls, p => Assert.Equal(pollId, p[0].GetProperty("id").GetString()));

            var expected = await VoteAllAsync(clients, pollId);
            await Task.WhenAll(clients.Select(c => PollsUntilAsync(c, p => Tallies(p[0]).SequenceEqual(expected))));

            // Unknown poll or option: a clear non-fatal refusal.
            await visitor.SendAsync(Vote("poll-99", 0, "u"));
            Assert.Equal("poll", (await visitor.ExpectErrorAsync("bad-field", fatal: false)).GetProperty("field").GetString());
            await bob.SendAsync(Vote(pollId, 7, "o"));
            Assert.Equal("option", (await bob.ExpectErrorAsync("bad-field", fatal: false)).GetProperty("field").GetString());

            // Only the creator (or a moderator) closes: Bob is neither, a visitor never is.
            await bob.SendAsync(Close(pollId, "bc"));
            await bob.ExpectErrorAsync("forbidden", fatal: false);
            await visitor.SendAsync(Close(pollId, "vc2"));
            await visitor.ExpectErrorAsync("forbidden", fatal: false);
            await ann.SendAsync(Close(pollId, "ac"));
            await Task.WhenAll(clients.Select(c => PollsUntilAsync(c, p => p[0].GetProperty("closed").GetBoolean() && Tallies(p[0]).SequenceEqual(expected))));

            // Frozen: votes on main and on a node are refused, and the tallies stay.
            await bob.SendAsync(Vote(pollId, 0, "late"));
            Assert.Contains("closed", (await bob.ExpectErrorAsync("forbidden", fatal: false)).GetProperty("message").GetString(), StringComparison.Ordinal);
            await clients[7].SendAsync(Vote(pollId, 0, "late"));
            await clients[7].ExpectErrorAsync("forbidden", fatal: false);

            // A visitor arriving later gets the final state right after joined.
            await using var late = (await FeatureFleet.VisitorAtAsync(fleet, "v2", "Late")).Client;
            var latest = await PollsUntilAsync(late, p => p.GetArrayLength() == 1);
            Assert.True(latest[0].GetProperty("closed").GetBoolean());
            Assert.Equal(expected, Tallies(latest[0]));
        }
        finally
        {
            foreach (var c in clients)
            {
                await c.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The same vote over a real Redis, with one node's federation link cut (TCP proxy stopped) while its visitors vote:
    /// their votes wait in the node's outbox, count exactly once after the link returns, and every client converges.
    /// </summary>
    [Fact]
    [Trait("Category", "Redis")]
    public async Task Votes_cast_while_a_node_link_is_cut_count_exactly_once_and_every_client_converges()
    {
        using var redis = RedisServer.Start();
        using var proxy = new TcpProxy(redis.Port);
        proxy.Start();
        await using var fleet = await LocalSignalingFleet.StartAsync(new FleetOptions
        {
            EndpointPacketsPerSecond = 10_000,
            Bridges = 3,
            VisitorNodes = 2,
            SignalingPort = 0,
            BridgeApiPort = 0,
            MediaPort = 0,
            MaxParticipants = 2,
            MaxVisitorsPerNode = 100,
            Redis = redis.ConnectionString,
            NodeRedis = new Dictionary<string, string> { ["v1"] = RedisServer.ConnectionStringFor(proxy.Port) },
        });
        var clients = await JoinEightAsync(fleet);
        try
        {
            await clients[0].SendAsync(Create("Ship it?", ["Yes", "No", "Later"], "pc"));
            var polls = await Task.WhenAll(clients.Select(c => PollsUntilAsync(c, p => p.GetArrayLength() == 1)));
            var pollId = polls[0][0].GetProperty("id").GetString()!;

            // Clients 2-4 are v1's visitors: they vote while v1 cannot reach Redis; the others vote meanwhile too.
            proxy.Stop();
            using var http = new HttpClient();
            var v1 = fleet.Nodes.Single(n => n.Id == "v1").Url;
            Assert.True(await WaitUntilAsync(async () => (await http.GetStringAsync(new Uri(v1, "/health"))).Contains("\"federation\":\"disconnected\"", StringComparison.Ordinal)), "v1 never noticed the cut");
            var expected = await VoteAllAsync(clients, pollId);
            await Task.Delay(1000);
            foreach (var c in clients.Skip(2).Take(3))
            {
                // Served by their node during the gap.
                await c.PingAsync("during-gap");
            }

            proxy.Start();
            await Task.WhenAll(clients.Select(c => PollsUntilAsync(c, p => Tallies(p[0]).SequenceEqual(expected))));

            // Exactly once: after a quiet period, no later snapshot holds other tallies (the outbox stored no vote twice).
            await Task.Delay(2000);
            foreach (var c in clients)
            {
                await c.SendAsync("""{"v":1,"type":"ping","id":"after"}""");
                while (true)
                {
                    var message = await c.ReceiveAsync();
                    var type = message.GetProperty("type").GetString();
                    if (type == "pong")
                    {
                        break;
                    }

                    if (type == "polls")
                    {
                        Assert.Equal(expected, Tallies(message.GetProperty("polls")[0]));
                    }
                }
            }

            // A visitor joining v1 after the reconnect gets the polls too.
            await using var late = (await FeatureFleet.VisitorAtAsync(fleet, "v1", "Late")).Client;
            Assert.Equal(expected, Tallies((await PollsUntilAsync(late, p => p.GetArrayLength() == 1))[0]));
        }
        finally
        {
            foreach (var c in clients)
            {
                await c.DisposeAsync();
            }
        }
    }

    /// <summary>Ann and Bob at main, three visitors on v1 and three on v2.</summary>
    private static async Task<List<TestClient>> JoinEightAsync(LocalSignalingFleet fleet)
    {
        var clients = new List<TestClient>
        {
            (await FeatureFleet.ParticipantAsync(fleet, "Ann")).Client,
            (await FeatureFleet.ParticipantAsync(fleet, "Bob")).Client,
        };
        for (var i = 0; i < 6; i++)
        {
            clients.Add((await FeatureFleet.VisitorAtAsync(fleet, i < 3 ? "v1" : "v2", $"Viewer {i}")).Client);
        }

        return clients;
    }

    /// <summary>Client k votes option k % 3 at once; every other client then changes its mind to the next option. Returns the final tallies.</summary>
    private static async Task<int[]> VoteAllAsync(List<TestClient> clients, string pollId)
    {
        var expected = new int[3];
        await Task.WhenAll(clients.Select(async (c, k) =>
        {
            await c.SendAsync(Vote(pollId, k % 3, "first"));
            if (k % 2 == 0)
            {
                await c.SendAsync(Vote(pollId, (k + 1) % 3, "second"));
            }
        }));
        for (var k = 0; k < clients.Count; k++)
        {
            expected[k % 2 == 0 ? (k + 1) % 3 : k % 3]++;
        }

        return expected;
    }

    /// <summary>Reads <c>polls</c> pushes (skipping other pushes) until one's poll list satisfies <paramref name="done"/>; versions never go back.</summary>
    private static async Task<JsonElement> PollsUntilAsync(TestClient client, Func<JsonElement, bool> done)
    {
        using var deadline = new CancellationTokenSource(Wait);
        var last = (Epoch: 0L, Version: -1L);
        while (true)
        {
            deadline.Token.ThrowIfCancellationRequested();
            var message = await client.ExpectAsync("polls");
            var at = (message.GetProperty("epoch").GetInt64(), message.GetProperty("version").GetInt64());
            Assert.True(at.Item1 > last.Epoch || (at.Item1 == last.Epoch && at.Item2 >= last.Version), $"polls version went back from {last} to {at}");
            last = at;
            var polls = message.GetProperty("polls");
            if (done(polls))
            {
                return polls;
            }
        }
    }

    private static int[] Tallies(JsonElement poll) => [.. poll.GetProperty("tallies").EnumerateArray().Select(t => t.GetInt32())];

    private static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    private static string Create(string question, string[] options, string id) =>
        JsonSerializer.Serialize(new { v = 1, type = "poll.create", id, question, options });

    private static string Vote(string poll, int option, string id) =>
        JsonSerializer.Serialize(new { v = 1, type = "poll.vote", id, poll, option });

    private static string Close(string poll, string id) =>
        JsonSerializer.Serialize(new { v = 1, type = "poll.close", id, poll });
}
