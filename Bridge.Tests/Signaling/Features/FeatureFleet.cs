using System.Text.Json;
using Bridge.Tests.Signaling.Clients;
using Fleet;

namespace Bridge.Tests.Signaling.Features;

/// <summary>Fleet helpers of the room-feature tests: an in-process fleet, and clients joined at main or straight at a visitor node.</summary>
internal static class FeatureFleet
{
    public const string Room = "acme/features";

    /// <summary>Main seating 2, <paramref name="nodes"/> visitor nodes, a core and two visitor bridges.</summary>
    public static Task<LocalSignalingFleet> StartAsync(int nodes) =>
        LocalSignalingFleet.StartAsync(new FleetOptions
        {
            EndpointPacketsPerSecond = 10_000,
            Bridges = 3,
            VisitorNodes = nodes,
            SignalingPort = 0,
            BridgeApiPort = 0,
            MediaPort = 0,
            MaxParticipants = 2,
            MaxVisitorsPerNode = 100,
        });

    /// <summary>A participant joined at main.</summary>
    public static async Task<(TestClient Client, string Id)> ParticipantAsync(LocalSignalingFleet fleet, string name)
    {
        var client = await TestClient.ConnectAsync(fleet.MainUrl);
        var joined = await client.JoinAsync(Room, name);
        Assert.Equal("participant", joined.GetProperty("role").GetString());
        return (client, joined.GetProperty("you").GetString()!);
    }

    /// <summary>A visitor joined straight at visitor node <paramref name="node"/> (as a redirected client would), so the test decides who is where.</summary>
    public static async Task<(TestClient Client, string Id)> VisitorAtAsync(LocalSignalingFleet fleet, string node, string name)
    {
        var client = await TestClient.ConnectAsync(fleet.Nodes.Single(n => n.Id == node).Url);
        var joined = await client.JoinAsync(Room, name, visitor: true);
        Assert.Equal("visitor", joined.GetProperty("role").GetString());
        return (client, joined.GetProperty("you").GetString()!);
    }

    /// <summary>The <c>chat.history</c> that follows <c>joined</c>, as (seq, text) pairs.</summary>
    public static async Task<List<(long Seq, string Text)>> HistoryAsync(TestClient client) =>
        [.. (await client.ExpectAsync("chat.history")).GetProperty("messages").EnumerateArray().Select(Entry)];

    public static (long Seq, string Text) Entry(JsonElement chat) => (chat.GetProperty("seq").GetInt64(), chat.GetProperty("text").GetString()!);

    public static string Chat(string text, string? to = null, string id = "c") =>
        JsonSerializer.Serialize(new Dictionary<string, object?> { ["v"] = 1, ["type"] = "chat.send", ["id"] = id, ["text"] = text, ["to"] = to });
}
