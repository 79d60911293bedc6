using Bridge.Tests.Browser;
using Bridge.Tests.Registration;
using Bridge.Tests.Signaling.Clients;
using Signaling.Tenants;
using Xunit.Abstractions;

namespace Bridge.Tests.Signaling.Tenants;

/// <summary>The web client in real Chromium against a main node with a secured tenant: <c>?token=</c> joins, and the moderator badge.</summary>
[Trait("Category", "Browser")]
public sealed class TenantWebClientTests(ChromiumFixture chromium, ITestOutputHelper output) : IClassFixture<ChromiumFixture>
{
    private const string Room = "acme/town-hall";

    [Fact]
    public async Task A_link_with_a_token_joins_the_secured_room_and_a_moderator_sees_the_badge()
    {
        await using var signaling = await TestSignaling.StartAsync(o => o.Tenants["acme"] = new TenantOptions { JwtSecret = Tokens.Secret });
        await using var bridge = await ClientSocketTests.StartBridgeAsync(signaling, "tenant-web");
        await using var context = await chromium.Browser.NewContextAsync();
        var origin = signaling.Url.ToString().TrimEnd('/');
        string Link(string name, string? token) => $"{origin}/?room={Room}&name={name}&autojoin=1&resolution=320x180" + (token is null ? "" : $"&token={token}");

        var ann = await ConferencePage.OpenAsync(context, Link("Ann", Tokens.For("town-hall", moderator: true)), "ann", output);
        Assert.Equal("participant", await ann.WaitJoinedAsync());
        await ann.Page.Locator("#moderator-badge").WaitForAsync(new() { Timeout = 10_000 });
        Assert.Equal("Moderator", await ann.TextAsync("#moderator-badge"));

        var bob = await ConferencePage.OpenAsync(context, Link("Bob", Tokens.For("town-hall")), "bob", output);
        Assert.Equal("participant", await bob.WaitJoinedAsync());
        Assert.False(await bob.Page.Locator("#moderator-badge").IsVisibleAsync());

        // Without a token the page says why, in plain words, and does not retry.
        var eve = await ConferencePage.OpenAsync(context, Link("Eve", null), "eve", output);
        await eve.WaitTextAsync("#error", "You are not allowed to join this room. The link may be wrong or may have expired.", TimeSpan.FromSeconds(10));
        Assert.Equal(0, await eve.JoinsAsync());
    }
}
