using System.Net.WebSockets;
using System.Text.Json;
using Bridge.Client;
using Bridge.Tests.Signaling.Clients;
using Bridge.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Signaling.Hosting;
using Signaling.Tenants;

namespace Bridge.Tests.Signaling.Tenants;

/// <summary>
/// Joins of a secured tenant and of an open one at a real main node (real WebSockets, a real bridge), its clock a
/// <see cref="FakeTimeProvider"/> so that token expiry is decided by the test, not by the machine.
/// </summary>
public sealed class TenantJoinTests : IAsyncDisposable
{
    private const string Room = "acme/town-hall";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    // A clock far from the machine's: a token only passes when the node judges it by the injected clock.
    private static readonly DateTimeOffset Now = new(2031, 3, 14, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private WebApplication? _app;
    private TestBridge? _bridge;
    private Uri _url = null!;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_bridge is not null)
        {
            await _bridge.DisposeAsync();
        }
    }

    private async Task StartAsync(bool withBridge = false)
    {
        _app = SignalingHost.Build([], o =>
        {
            o.Url = "http://127.0.0.1:0";
            o.ReportIntervalSeconds = 1;
            o.Tenants["acme"] = new TenantOptions { JwtSecret = Tokens.Secret };
            o.Tenants["globex"] = new TenantOptions { MaxParticipants = 5 };
        }, _time);
        await _app.StartAsync();
        _url = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        if (withBridge)
        {
            _bridge = await TestBridge.StartAsync(o =>
            {
                o.BridgeId = "t-media";
                o.SignalingUrl = _url.ToString();
                o.ReportIntervalSeconds = 1;
            });
            var registry = _app.Services.GetRequiredService<global::Signaling.Bridges.BridgeRegistry>();
            Assert.True(await SimulatedPeer.WaitUntilAsync(() => registry.List().Any(b => b.State == "alive"), Wait), "the bridge never registered");
        }
    }

    private async Task<JsonElement> RefusedAsync(string frame)
    {
        await using var client = await TestClient.ConnectAsync(_url);
        await client.SendAsync(frame);
        var error = await client.ExpectErrorAsync("forbidden", fatal: true);
        Assert.Equal("j", error.GetProperty("inReplyTo").GetString());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await client.ExpectCloseAsync());
        return error;
    }

    private async Task<string> MetricsAsync()
    {
        using var http = new HttpClient { BaseAddress = _url };
        return await http.GetStringAsync("/metrics");
    }

    [Fact]
    public async Task A_secured_tenant_refuses_a_join_without_token_with_a_wrong_secret_expired_or_for_another_room()
    {
        await StartAsync();

        var missing = await RefusedAsync(Tokens.Join(Room, "Ann", null));
        Assert.Equal("this room needs a token", missing.GetProperty("message").GetString());

        var wrongSecret = await RefusedAsync(Tokens.Join(Room, "Ann", Tokens.For("town-hall", secret: "another-secret-0123456789-0123456789-xyz", issued: Now)));
        Assert.Contains("signature", wrongSecret.GetProperty("message").GetString(), StringComparison.Ordinal);

        // Expired by the node's clock an hour ago, though still valid by the machine's (the clock is years ahead).
        var expired = await RefusedAsync(Tokens.Join(Room, "Ann", Tokens.For("town-hall", issued: Now.AddHours(-2))));
        Assert.Contains("expired", expired.GetProperty("message").GetString(), StringComparison.Ordinal);

        var otherRoom = await RefusedAsync(Tokens.Join(Room, "Ann", Tokens.For("board-room", issued: Now)));
        Assert.Equal("the token is not for room acme/town-hall", otherRoom.GetProperty("message").GetString());

        var garbage = await RefusedAsync(Tokens.Join(Room, "Ann", "not.a.jwt"));
        Assert.Equal("forbidden", garbage.GetProperty("code").GetString());

        // Nothing was entered: no room in use, and each refusal counted by its reason.
        Assert.Equal(0, _app!.Services.GetRequiredService<global::Signaling.Clients.RoomRegistry>().Count);
        var metrics = await MetricsAsync();
        foreach (var reason in new[] { "missing", "signature", "expired", "room", "invalid" })
        {
            Assert.Contains($"signaling_token_refusals_total{{reason=\"{reason}\"}} 1", metrics, StringComparison.Ordinal);
        }

        Assert.Contains("signaling_joins_total{result=\"forbidden\"} 5", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_expires_by_the_hosts_clock()
    {
        await StartAsync(withBridge: true);
        var token = Tokens.For("town-hall", issued: Now, lifetime: TimeSpan.FromMinutes(10));
        await using (var early = await TestClient.ConnectAsync(_url))
        {
            await early.SendAsync(Tokens.Join(Room, "Ann", token));
            await early.ExpectAsync("joined");
        }

        // Past exp plus the 30 s skew: the same token no longer opens the room.
        _time.Advance(TimeSpan.FromMinutes(11));
        var late = await RefusedAsync(Tokens.Join(Room, "Ann", token));
        Assert.Contains("expired", late.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_moderator_claim_grants_moderator_rights_and_nothing_else_does_in_a_secured_tenant()
    {
        await StartAsync(withBridge: true);
        await using var ann = await TestClient.ConnectAsync(_url);
        await using var bob = await TestClient.ConnectAsync(_url);

        // Bob is first but has no moderator claim: in a secured tenant arrival grants nothing.
        await bob.SendAsync(Tokens.Join(Room, "Bob", Tokens.For("town-hall", moderator: false, issued: Now)));
        var bobJoined = await bob.ExpectAsync("joined");
        Assert.False(bobJoined.GetProperty("moderator").GetBoolean());
        await ann.SendAsync(Tokens.Join(Room, "Ann", Tokens.For("acme/town-hall", moderator: true, issued: Now)));
        var annJoined = await ann.ExpectAsync("joined");
        Assert.True(annJoined.GetProperty("moderator").GetBoolean());

        var stage = await StageWithAsync(bob, 2);
        Assert.Equal([("Bob", false), ("Ann", true)], Roles(stage));

        // Ann leaves: Bob does not inherit what his token did not grant.
        await ann.SendAsync("""{"v":1,"type":"leave"}""");
        stage = await StageWithAsync(bob, 1);
        Assert.Equal([("Bob", false)], Roles(stage));
    }

    [Fact]
    public async Task The_tokens_name_replaces_the_typed_one_unless_it_could_not_be_typed()
    {
        await StartAsync(withBridge: true);
        await using var ann = await TestClient.ConnectAsync(_url);
        await using var bob = await TestClient.ConnectAsync(_url);

        // Mallory types a name, but her token says who she is.
        await ann.SendAsync(Tokens.Join(Room, "Mallory", Tokens.For("town-hall", moderator: true, issued: Now, name: "  Dr. Ann Example ")));
        // The joiner is told the name it goes by (its page shows and shares that one).
        Assert.Equal("Dr. Ann Example", (await ann.ExpectAsync("joined")).GetProperty("name").GetString());
        // A token name the protocol would refuse (control characters) is ignored: the typed name stays.
        await bob.SendAsync(Tokens.Join(Room, "Bob", Tokens.For("town-hall", issued: Now, name: "Bo\u0007b")));
        Assert.Equal("Bob", (await bob.ExpectAsync("joined")).GetProperty("name").GetString());
        Assert.Equal([("Dr. Ann Example", true), ("Bob", false)], Roles(await StageWithAsync(bob, 2)));
    }

    [Fact]
    public async Task In_an_open_tenant_the_first_participant_moderates_and_the_longest_present_takes_over()
    {
        await StartAsync(withBridge: true);
        await using var ann = await TestClient.ConnectAsync(_url);
        await using var bob = await TestClient.ConnectAsync(_url);
        await using var cid = await TestClient.ConnectAsync(_url);

        // A token is not needed in an open tenant, and one sent is not read (it could claim anything).
        await ann.SendAsync(Tokens.Join("globex/town-hall", "Ann", "not.a.jwt"));
        Assert.True((await ann.ExpectAsync("joined")).GetProperty("moderator").GetBoolean());
        Assert.False((await bob.JoinAsync("globex/town-hall", "Bob")).GetProperty("moderator").GetBoolean());
        Assert.False((await cid.JoinAsync("globex/town-hall", "Cid")).GetProperty("moderator").GetBoolean());
        Assert.Equal([("Ann", true), ("Bob", false), ("Cid", false)], Roles(await StageWithAsync(cid, 3)));

        await ann.SendAsync("""{"v":1,"type":"leave"}""");
        Assert.Equal([("Bob", true), ("Cid", false)], Roles(await StageWithAsync(cid, 2)));

        // The first participant of another open room is its own moderator: rights are per room.
        await using var dan = await TestClient.ConnectAsync(_url);
        Assert.True((await dan.JoinAsync("globex/other", "Dan")).GetProperty("moderator").GetBoolean());

        // Two tenants with rooms in use.
        await using var eve = await TestClient.ConnectAsync(_url);
        await eve.SendAsync(Tokens.Join(Room, "Eve", Tokens.For("town-hall", issued: Now)));
        await eve.ExpectAsync("joined");
        Assert.Contains("signaling_tenants_active 2", await MetricsAsync(), StringComparison.Ordinal);
    }

    private static List<(string?, bool)> Roles(JsonElement stage) =>
        [.. stage.GetProperty("participants").EnumerateArray().Select(p => (p.GetProperty("name").GetString(), p.GetProperty("moderator").GetBoolean()))];

    /// <summary>The next <c>stage</c> with <paramref name="count"/> participants (earlier stages are skipped).</summary>
    private static async Task<JsonElement> StageWithAsync(TestClient client, int count)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var stage = await client.ExpectAsync("stage");
            if (stage.GetProperty("participants").GetArrayLength() == count)
            {
                return stage;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no stage of {count}, last {stage}");
        }
    }
}
