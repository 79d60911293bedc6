using Bridge.Tests.Signaling.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Signaling.Assignment;
using Xunit.Abstractions;

namespace Bridge.Tests.Browser;

/// <summary>
/// Raised hands and promotion in real Chromium against the local fleet (issue 5, criterion 7): two visitor pages on visitor
/// nodes raise their hands; the moderator's page shows both in its queue; the test denies one (its page says so) and approves
/// the other in the UI; the approved page rejoins main as a participant under the same name and publishes, and the
/// moderator's page decodes its video.
/// </summary>
[Trait("Category", "Browser")]
public sealed class PromotionBrowserTests : IClassFixture<ChromiumFixture>
{
    private const string Room = "acme/promote-e2e";
    private static readonly TimeSpan MediaWait = TimeSpan.FromSeconds(25);
    private readonly ChromiumFixture _chromium;
    private readonly ITestOutputHelper _output;

    public PromotionBrowserTests(ChromiumFixture chromium, ITestOutputHelper output)
    {
        _chromium = chromium;
        _output = output;
    }

    [Fact]
    public async Task A_visitor_page_raises_its_hand_the_moderator_approves_it_in_the_ui_and_then_decodes_the_promoted_page_video()
    {
        await using var fleet = await VisitorNodeFleetTests.StartFleetAsync(maxVisitorsPerNode: 2000);
        await VisitorNodeFleetTests.WaitForNodesAsync(fleet);

        // One seat: Vera gets on stage by her ticket, not because a seat happened to be free.
        fleet.MainServices.GetRequiredService<RoomPolicies>().SetRoom(RoomName.Parse(Room), new RoomPolicyOverride { MaxParticipants = 1 });
        await using var context = await _chromium.Browser.NewContextAsync();
        var page = new Uri(fleet.MainUrl, $"/?room={Room}&autojoin=1&resolution=320x180").ToString();

        // Ann, the first participant of an open tenant, moderates and is the only one on stage: the video her page
        // receives later can only be the promoted visitor's.
        var ann = await ConferencePage.OpenAsync(context, page + "&name=Ann", "ann", _output);
        Assert.Equal("participant", await ann.WaitJoinedAsync());
        Assert.Equal("true", await ann.StateAsync("moderator"));
        await ann.WaitSendingAsync(MediaWait);
        Assert.Equal(0, (await ann.StatsAsync()).FramesDecoded);
        Assert.False(await ann.Page.Locator("#raise-hand").IsVisibleAsync());

        // Vera arrives over the threshold, Viktor asks to watch; both are redirected to visitor nodes.
        var vera = await ConferencePage.OpenAsync(context, page + "&name=Vera", "vera", _output);
        var viktor = await ConferencePage.OpenAsync(context, page + "&name=Viktor&visitor=1", "viktor", _output);
        Assert.Equal("visitor", await vera.WaitJoinedAsync());
        Assert.Equal("visitor", await viktor.WaitJoinedAsync());
        var nodes = fleet.Nodes.Select(n => (string?)n.Id).ToHashSet();
        Assert.Contains(await vera.StateAsync("node"), nodes);
        Assert.Contains(await viktor.StateAsync("node"), nodes);
        Assert.False(await vera.Page.Locator("#hands-queue").IsVisibleAsync());

        // Both raise their hands in their pages; the moderator's queue shows them in raising order.
        await vera.Page.ClickAsync("#raise-hand");
        await ann.Page.Locator("#hands-queue li:has-text('Vera')").WaitForAsync(new() { Timeout = 15_000 });
        await viktor.Page.ClickAsync("#raise-hand");
        await ann.Page.Locator("#hands-queue li:has-text('Viktor')").WaitForAsync(new() { Timeout = 15_000 });
        Assert.Equal("Lower hand", await vera.TextAsync("#raise-hand"));
        Assert.Equal(2, await ann.Page.Locator("#hands-queue li").CountAsync());
        Assert.StartsWith("✋ Vera", await ann.TextAsync("#hands-queue li"), StringComparison.Ordinal);

        // Denied: Viktor's page says so, offers the button again and stays a visitor.
        await ann.Page.ClickAsync("#hands-queue li:has-text('Viktor') button:has-text('Deny')");
        await viktor.WaitTextAsync("#hand-note", "A moderator declined your raised hand.", TimeSpan.FromSeconds(15));
        await viktor.WaitTextAsync("#raise-hand", "Raise hand", TimeSpan.FromSeconds(5));
        Assert.Equal("visitor", await viktor.StateAsync("role"));
        await ann.Page.Locator("#hands-queue li:has-text('Viktor')").WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 10_000 });

        // Approved: Vera's page leaves its node, joins main with the ticket under the same name, no form in between.
        await ann.Page.ClickAsync("#hands-queue li:has-text('Vera') button:has-text('Approve')");
        Assert.Equal("participant", await vera.WaitJoinedAsync(joins: 2));
        Assert.Equal(await ann.StateAsync("node"), await vera.StateAsync("node"));
        Assert.False(await vera.Page.Locator("#join-form").IsVisibleAsync());
        Assert.False(await vera.Page.Locator("#visitor-badge").IsVisibleAsync());
        Assert.False(await vera.Page.Locator("#raise-hand").IsVisibleAsync());
        await ann.Page.Locator("#hands-queue li").WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 10_000 });
        await ann.Page.Locator("#tiles .tile:has-text('Vera')").WaitForAsync(new() { Timeout = 10_000 });

        // The promoted page publishes, and the moderator's page decodes its picture.
        await vera.WaitSendingAsync(MediaWait);
        await ann.WaitFramesRisingAsync(MediaWait);
    }
}
