using Xunit.Abstractions;

namespace Bridge.Tests.Browser;

/// <summary>
/// The polls panel of the web client in real Chromium against the local fleet: a participant creates a poll in the page, a
/// visitor on a visitor node votes in its page, and the participant's page shows the tally; closing it freezes the visitor's buttons.
/// </summary>
[Trait("Category", "Browser")]
public sealed class PollBrowserTests : IClassFixture<ChromiumFixture>
{
    private const string Room = "acme/poll-e2e";
    private readonly ChromiumFixture _chromium;
    private readonly ITestOutputHelper _output;

    public PollBrowserTests(ChromiumFixture chromium, ITestOutputHelper output)
    {
        _chromium = chromium;
        _output = output;
    }

    [Fact]
    public async Task A_poll_created_in_a_participant_page_is_voted_in_a_visitor_page_and_the_participant_sees_the_tally()
    {
        await using var pages = await ParticipantAndVisitorPages.OpenAsync(_chromium, Room, _output);
        var (ann, vera) = (pages.Ann, pages.Vera);

        // Only participants get the create form.
        await ann.Page.Locator("#poll-form").WaitForAsync(new() { Timeout = 10_000 });
        Assert.False(await vera.Page.Locator("#poll-form").IsVisibleAsync());

        await ann.Page.FillAsync("#poll-question", "Lunch?");
        await ann.Page.FillAsync("#poll-options", "Pizza\nSushi\n");
        await ann.Page.ClickAsync("#poll-create");
        await vera.WaitTextAsync("#poll-list .poll h3", "Lunch?", TimeSpan.FromSeconds(15));
        Assert.False(await vera.Page.Locator("#poll-list .close-poll").IsVisibleAsync());

        await vera.Page.ClickAsync("#poll-list .option:has-text('Sushi')");
        await ann.WaitTextAsync("#poll-list .option:nth-of-type(2) .count", "1", TimeSpan.FromSeconds(15));
        Assert.Equal("0", await ann.TextAsync("#poll-list .option:nth-of-type(1) .count"));
        await vera.Page.Locator("#poll-list .option.mine:has-text('Sushi')").WaitForAsync(new() { Timeout = 5_000 });

        // The creator closes it: the visitor's buttons freeze with the final tally.
        await ann.Page.ClickAsync("#poll-list .close-poll");
        await vera.WaitTextAsync("#poll-list .poll h3", "Lunch? (closed)", TimeSpan.FromSeconds(15));
        Assert.True(await vera.Page.Locator("#poll-list .option").First.IsDisabledAsync());
        Assert.Equal("1", await vera.TextAsync("#poll-list .option:nth-of-type(2) .count"));
    }
}
