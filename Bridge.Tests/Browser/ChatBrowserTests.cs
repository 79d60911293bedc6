using Xunit.Abstractions;

namespace Bridge.Tests.Browser;

/// <summary>
/// The chat and reactions of the web client in real Chromium against the local fleet: a participant's typed message shows in
/// the chat panel of a visitor redirected to a visitor node, and the visitor's reaction reaches the participant's page.
/// </summary>
[Trait("Category", "Browser")]
public sealed class ChatBrowserTests : IClassFixture<ChromiumFixture>
{
    private const string Room = "acme/chat-e2e";
    private readonly ChromiumFixture _chromium;
    private readonly ITestOutputHelper _output;

    public ChatBrowserTests(ChromiumFixture chromium, ITestOutputHelper output)
    {
        _chromium = chromium;
        _output = output;
    }

    [Fact]
    public async Task A_message_typed_by_a_participant_appears_in_a_visitor_page_on_a_visitor_node_and_a_visitor_reaction_reaches_the_participant()
    {
        await using var pages = await ParticipantAndVisitorPages.OpenAsync(_chromium, Room, _output);
        var (ann, vera) = (pages.Ann, pages.Vera);

        // The first participant moderates: the visitor-chat switch shows for Ann, not for Vera.
        await ann.Page.Locator("#chat-moderation").WaitForAsync(new() { Timeout = 10_000 });
        Assert.False(await vera.Page.Locator("#chat-moderation").IsVisibleAsync());

        await ann.Page.FillAsync("#chat-text", "Welcome, <b>viewers</b>!");
        await ann.Page.ClickAsync("#chat-send");
        await vera.WaitTextAsync("#chat-log li:last-child .text", "Welcome, <b>viewers</b>!", TimeSpan.FromSeconds(15));
        Assert.Equal("Ann", await vera.TextAsync("#chat-log li:last-child .who"));
        await ann.WaitTextAsync("#chat-log li:last-child .text", "Welcome, <b>viewers</b>!", TimeSpan.FromSeconds(5));
        Assert.Equal(1, await vera.Page.Locator("#chat-log li").CountAsync());

        await vera.Page.ClickAsync("#reactions button:has-text('🎉')");
        await ann.Page.WaitForFunctionAsync("() => window.conference?.reactions?.totals?.['🎉'] === 1", null, new() { Timeout = 15_000, PollingInterval = 100 });

        // The moderator turns visitor chat off: Vera's send box goes and a note says why.
        await ann.Page.ClickAsync("#visitor-chat");
        await vera.Page.Locator("#chat-closed").WaitForAsync(new() { Timeout = 10_000 });
        Assert.False(await vera.Page.Locator("#chat-form").IsVisibleAsync());
    }
}
