using System.Net.Http.Json;
using Bridge.Tests.Registration;
using Bridge.Tests.Signaling.Tenants;
using Microsoft.Playwright;
using Signaling.Tenants;
using Xunit.Abstractions;

namespace Bridge.Tests.Browser;

/// <summary>
/// The signaling's web client (Signaling/wwwroot) in real Chromium against a real main node and real bridges: joining through the
/// form and through links, participants publishing, visitors over the threshold watching from another bridge, and the pages
/// recovering from a reoffer, a dead media connection and a lost signaling connection.
/// </summary>
[Trait("Category", "Browser")]
public sealed class WebClientTests : IClassFixture<ChromiumFixture>
{
    private const string Room = "acme/town-hall";
    // Four pages encode and decode on two shared cores: small frames keep them from starving each other.
    private const string Small = "resolution=320x180";
    private static readonly TimeSpan MediaWait = TimeSpan.FromSeconds(20);
    private readonly ChromiumFixture _chromium;
    private readonly ITestOutputHelper _output;

    public WebClientTests(ChromiumFixture chromium, ITestOutputHelper output)
    {
        _chromium = chromium;
        _output = output;
    }

    [Fact]
    public async Task Two_participants_publish_and_two_visitors_over_the_threshold_watch_them_from_another_bridge_with_badge_and_count()
    {
        await using var fleet = await WebFleet.StartAsync(Room, maxParticipants: 2, bridges: 3);
        await using var context = await _chromium.Browser.NewContextAsync();

        // Ann uses the form; the others follow shared links that join at once. Visitors are just the 3rd and 4th joiners.
        var ann = await ConferencePage.OpenAsync(context, fleet.PageUrl($"/?{Small}"), "ann", _output);
        Assert.False(await ann.Page.Locator("#visitor-badge").IsVisibleAsync());
        await ann.Page.FillAsync("#room", Room);
        await ann.Page.FillAsync("#name", "Ann");
        await ann.Page.ClickAsync("#join");
        Assert.Equal("participant", await ann.WaitJoinedAsync());
        var bob = await ConferencePage.OpenAsync(context, fleet.PageUrl($"/?room={Room}&name=Bob&autojoin=1&{Small}"), "bob", _output);
        Assert.Equal("participant", await bob.WaitJoinedAsync());
        var vera = await ConferencePage.OpenAsync(context, fleet.PageUrl($"/?room={Room}&name=Vera&autojoin=1&{Small}"), "vera", _output);
        Assert.Equal("visitor", await vera.WaitJoinedAsync());
        var viktor = await ConferencePage.OpenAsync(context, fleet.PageUrl($"/?room={Room}&name=Viktor&autojoin=1&{Small}"), "viktor", _output);
        Assert.Equal("visitor", await viktor.WaitJoinedAsync());

        // Participants publish (and see each other in their one video slot); visitors decode the participants' video and hear them.
        await ann.WaitSendingAsync(MediaWait);
        await bob.WaitSendingAsync(MediaWait);
        await vera.WaitFramesRisingAsync(MediaWait);
        await viktor.WaitFramesRisingAsync(MediaWait);
        await vera.WaitForStatsAsync(s => s.AudioPacketsReceived > 0, "receives audio", MediaWait);
        await ann.WaitForStatsAsync(s => s.FramesDecoded > 0, "decodes Bob's video", MediaWait);

        // The badge shows for visitors only; everyone sees the count of 2 (pushed at most every 2 s).
        foreach (var page in new[] { ann, bob, vera, viktor })
        {
            await page.WaitTextAsync("#visitor-count", "2", TimeSpan.FromSeconds(10));
        }

        Assert.False(await ann.Page.Locator("#visitor-badge").IsVisibleAsync());
        Assert.False(await bob.Page.Locator("#visitor-badge").IsVisibleAsync());
        Assert.True(await vera.Page.Locator("#visitor-badge").IsVisibleAsync());
        Assert.Contains("Visitor", await vera.TextAsync("#visitor-badge"), StringComparison.Ordinal);
        Assert.True(await viktor.Page.Locator("#visitor-badge").IsVisibleAsync());
        Assert.False(await vera.Page.Locator("#mic").IsVisibleAsync());
        Assert.True(await ann.Page.Locator("#mic").IsVisibleAsync());
        // One tile per participant on stage for a visitor; a participant sees itself and the other.
        Assert.Equal(["Ann", "Bob"], await vera.Page.Locator("#tiles .name").AllTextContentsAsync());
        Assert.Equal(["Ann (you)", "Bob"], await ann.Page.Locator("#tiles .name").AllTextContentsAsync());
        // The bridge gives a visitor one video slot: one of the two tiles shows a moving picture, the other the initials.
        await vera.Page.WaitForFunctionAsync("() => [...document.querySelectorAll('#tiles .tile:not(.no-video) video')].filter(v => v.videoWidth > 0).length === 1");
        Assert.Equal(1, await vera.Page.Locator("#tiles .tile.no-video").CountAsync());

        // Participants' endpoints are on the core; the visitors' on bridges of the relay tree other than the core.
        var core = fleet.CoreBridge;
        Assert.NotNull(core);
        Assert.Equal(core, await fleet.BridgeOfAsync((await ann.StateAsync("you"))!));
        Assert.Equal(core, await fleet.BridgeOfAsync((await bob.StateAsync("you"))!));
        foreach (var visitor in new[] { vera, viktor })
        {
            var bridge = await fleet.BridgeOfAsync((await visitor.StateAsync("you"))!);
            Assert.NotNull(bridge);
            Assert.NotEqual(core, bridge);
        }

        // Ann mutes: her button says so, and the visitors' tile of Ann shows it from the pushed stage.
        await ann.Page.ClickAsync("#mic");
        Assert.Equal("Unmute microphone", await ann.TextAsync("#mic"));
        await vera.WaitTextAsync("#tiles .tile:first-child .muted", "mic off", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_tokens_name_replaces_the_typed_one_in_the_form_and_the_shared_link()
    {
        await using var fleet = await WebFleet.StartAsync(Room, maxParticipants: 2, bridges: 1,
            o => o.Tenants["acme"] = new TenantOptions { JwtSecret = Tokens.Secret });
        await using var context = await _chromium.Browser.NewContextAsync();
        var token = Tokens.For("town-hall", name: "Dr. Ann Example");

        // Mallory types her name into a link that carries Ann's token: the room knows her by the token's name, and so does her page.
        var page = await ConferencePage.OpenAsync(context, fleet.PageUrl($"/?room={Room}&name=Mallory&visitor=1&autojoin=1&token={token}&{Small}"), "mallory", _output);
        Assert.Equal("visitor", await page.WaitJoinedAsync());
        Assert.Equal("Dr. Ann Example", await page.StateAsync("name"));
        Assert.Equal("Dr. Ann Example", await page.Page.InputValueAsync("#name"));
        var link = System.Web.HttpUtility.ParseQueryString(new Uri(page.Page.Url).Query);
        Assert.Equal("Dr. Ann Example", link["name"]);
        Assert.Equal(token, link["token"]);
        Assert.Equal("1", link["visitor"]);
    }

    [Fact]
    public async Task Pages_recover_from_a_reoffer_a_dead_media_connection_and_a_lost_signaling_connection()
    {
        await using var fleet = await WebFleet.StartAsync(Room, maxParticipants: 2, bridges: 1);
        await using var context = await _chromium.Browser.NewContextAsync();
        var ann = await ConferencePage.OpenAsync(context, fleet.PageUrl($"/?room={Room}&name=Ann&autojoin=1&{Small}"), "ann", _output);
        Assert.Equal("participant", await ann.WaitJoinedAsync());
        var vera = await ConferencePage.OpenAsync(context, fleet.PageUrl($"/?room={Room}&name=Vera&visitor=1&autojoin=1&{Small}"), "vera", _output);
        Assert.Equal("visitor", await vera.WaitJoinedAsync());
        await vera.WaitFramesRisingAsync(MediaWait);

        // What the server does when a visitor's bridge endpoint is lost: a fresh endpoint of the same id, then reoffer.
        var you = (await vera.StateAsync("you"))!;
        var bridge = fleet.Bridges[(await fleet.BridgeOfAsync(you))!];
        (await bridge.Http.DeleteAsync($"/conferences/{fleet.Conference}/endpoints/{you}")).EnsureSuccessStatusCode();
        (await bridge.Http.PostAsJsonAsync($"/conferences/{fleet.Conference}/endpoints", new { id = you, role = "receiver" })).EnsureSuccessStatusCode();
        await vera.Page.EvaluateAsync("() => { window.before = window.conference.pc; window.conference.deliver({ v: 1, type: 'reoffer', reason: 'bridge-failed' }); }");

        // A new peer connection and a second offer on the same join, connected to the new endpoint, decoding again.
        await vera.WaitFramesRisingAsync(MediaWait);
        Assert.True(await vera.Page.EvaluateAsync<bool>("() => window.conference.pc !== window.before && window.before.connectionState === 'closed'"));
        Assert.Equal("2", await vera.StateAsync("offers"));
        Assert.Equal(1, await vera.JoinsAsync());
        Assert.Equal(you, await vera.StateAsync("you"));
        await bridge.WaitSecureAsync(fleet.Conference, you);

        // The bridge loses the endpoint and nobody tells the page: its media connection stays down (ICE consent fails), so
        // after the 5 s grace the page leaves and joins again by itself, on the same node, and decodes again.
        (await bridge.Http.DeleteAsync($"/conferences/{fleet.Conference}/endpoints/{you}")).EnsureSuccessStatusCode();
        Assert.Equal("visitor", await vera.WaitJoinedAsync(joins: 2, timeoutMs: 30_000));
        var rejoined = await vera.StateAsync("you");
        Assert.NotEqual(you, rejoined);
        await vera.WaitFramesRisingAsync(MediaWait);
        Assert.Equal("participant", await ann.StateAsync("role"));
        Assert.Equal(1, await ann.JoinsAsync());

        // The network between the pages and the main node fails: both pages say so and keep retrying (a refused attempt
        // backs off to the next), then rejoin once it is back, in their roles, with new bridge endpoints, and media flows again.
        var annBefore = await ann.StateAsync("you");
        fleet.CutClientLinks();
        foreach (var page in new[] { ann, vera })
        {
            await page.Page.WaitForFunctionAsync("() => /^Reconnecting in \\d+ s \\(attempt 2\\)/.test(document.getElementById('status').textContent)", null, new PageWaitForFunctionOptions { Timeout = 10_000, PollingInterval = 100 });
        }

        fleet.RestoreClientLinks();
        Assert.Equal("participant", await ann.WaitJoinedAsync(joins: 2));
        Assert.Equal("visitor", await vera.WaitJoinedAsync(joins: 3));
        Assert.NotEqual(annBefore, await ann.StateAsync("you"));
        Assert.NotEqual(rejoined, await vera.StateAsync("you"));
        await ann.WaitSendingAsync(MediaWait);
        await vera.WaitFramesRisingAsync(MediaWait);
        await vera.WaitTextAsync("#visitor-count", "1", TimeSpan.FromSeconds(10));
        var metrics = await fleet.Signaling.Http.GetStringAsync("/metrics");
        Assert.Contains("signaling_joins_total{result=\"participant\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("signaling_joins_total{result=\"visitor\"} 3", metrics, StringComparison.Ordinal);
        Assert.Contains("signaling_participants 1", metrics, StringComparison.Ordinal);

        // A redirect (what main sends when visitor nodes take the room's overflow) to a node given as a ws: URL without a path:
        // the page leaves, connects there and joins asking to watch: no camera, no controls, the badge, one more visitor.
        var node = fleet.PageUrl("/").Replace("http://", "ws://", StringComparison.Ordinal).TrimEnd('/');
        await ann.Page.EvaluateAsync("url => window.conference.deliver({ v: 1, type: 'redirect', node: 'visitors-1', url, reason: 'room-full' })", node);
        Assert.Equal("visitor", await ann.WaitJoinedAsync(joins: 3));
        Assert.True(await ann.Page.Locator("#visitor-badge").IsVisibleAsync());
        Assert.False(await ann.Page.Locator("#mic").IsVisibleAsync());
        Assert.Equal(0, await ann.Page.Locator("#tiles .tile.self").CountAsync());
        await vera.WaitTextAsync("#visitor-count", "2", TimeSpan.FromSeconds(10));

        // Carl takes the free seat but his browser refuses camera and microphone: he is told, and rejoins to watch.
        var carl = await ConferencePage.OpenAsync(context, fleet.PageUrl($"/?room={Room}&name=Carl&autojoin=1"), "carl", _output,
            "navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));");
        Assert.Equal("visitor", await carl.WaitJoinedAsync(joins: 2));
        Assert.Equal("Your camera and microphone are not available (NotAllowedError), so you are watching instead.", await carl.TextAsync("#error"));
        await vera.WaitTextAsync("#visitor-count", "3", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_page_explains_refusals_in_plain_words_retries_what_a_retry_can_fix_and_stops_on_what_it_cannot()
    {
        // No bridge registered: every join is refused with a fatal "internal" error.
        await using var signaling = await TestSignaling.StartAsync();
        await using var context = await _chromium.Browser.NewContextAsync();
        var origin = signaling.Url.ToString().TrimEnd('/');

        // The form checks the room before connecting.
        var form = await ConferencePage.OpenAsync(context, $"{origin}/", "form", _output);
        await form.Page.FillAsync("#room", "Acme/Room");
        await form.Page.FillAsync("#name", "Ann");
        await form.Page.ClickAsync("#join");
        Assert.Equal("Room names are lower case.", await form.TextAsync("#form-error"));
        Assert.Null(await form.StateAsync("status"));

        // Redirect targets in every form the protocol allows, and the backoff schedule.
        var urls = await form.Page.EvaluateAsync<string[]>("""
                async () => {
                  const { socketUrl } = await import('/session.js');
                  const urls = ['http://127.0.0.1:9000', 'https://v1.example/', 'wss://v1.example/ws', 'http://h/sig/', 'javascript:alert(1)'];
                  return urls.map((u) => { try { return socketUrl(u, location.href); } catch { return 'refused'; } });
                }
                """);
        Assert.Equal(["ws://127.0.0.1:9000/ws", "wss://v1.example/ws", "wss://v1.example/ws", "ws://h/sig/ws", "refused"], urls);
        var backoff = await form.Page.EvaluateAsync<int[]>("async () => { const { backoffMs } = await import('/session.js'); return [1, 2, 3, 4, 5, 6].map(backoffMs); }");
        Assert.Equal([1000, 2000, 4000, 8000, 10_000, 10_000], backoff);

        // A refusal the server says to retry: plain words, and the page keeps trying.
        var page = await ConferencePage.OpenAsync(context, $"{origin}/?room=acme/empty&name=Ann&autojoin=1", "retry", _output);
        await page.WaitTextAsync("#error", "The server could not set up your audio and video just now; retrying.", TimeSpan.FromSeconds(10));
        await page.Page.WaitForFunctionAsync("() => document.getElementById('status').textContent.startsWith('Reconnecting in')");
        Assert.True(await page.Page.Locator("#conference").IsVisibleAsync());

        // A refusal no retry can fix: said plainly, the form is back, the page stops.
        await page.Page.EvaluateAsync("() => window.conference.deliver({ v: 1, type: 'error', code: 'room-full', message: 'full', inReplyTo: 'j1', field: null, fatal: true })");
        Assert.Equal("This room is full and does not admit viewers.", await page.TextAsync("#error"));
        Assert.True(await page.Page.Locator("#join-form").IsVisibleAsync());
        Assert.False(await page.Page.Locator("#conference").IsVisibleAsync());
        Assert.Equal("true", await page.StateAsync("ended"));
        Assert.Null(await page.StateAsync("ws"));
    }
}
