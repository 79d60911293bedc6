using System.Text.Json;
using Bridge.Tests.Signaling.Clients;
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

    [Fact]
    public async Task A_participant_picks_a_private_recipient_and_only_the_two_of_them_see_the_message()
    {
        await using var pages = await ParticipantAndVisitorPages.OpenAsync(_chromium, Room, _output);
        var (ann, vera) = (pages.Ann, pages.Vera);
        // Bob is a second participant without a browser: a WebSocket client at main.
        await using var bob = await TestClient.ConnectAsync(pages.Fleet.MainUrl);
        var bobId = (await bob.JoinAsync(Room, "Bob")).GetProperty("you").GetString()!;

        // Ann's recipient list follows the stage (everyone but herself); a visitor gets no list at all.
        await ann.Page.WaitForFunctionAsync($"() => [...document.querySelectorAll('#chat-to option')].some(o => o.value === '{bobId}')", null, new() { Timeout = 10_000 });
        Assert.Equal(["Everyone", "Bob"], await ann.Page.Locator("#chat-to option").AllTextContentsAsync());
        Assert.False(await vera.Page.Locator("#chat-to").IsVisibleAsync());

        await ann.Page.SelectOptionAsync("#chat-to", bobId);
        Assert.Equal("Message Bob privately", await ann.Page.GetAttributeAsync("#chat-text", "placeholder"));
        await ann.Page.FillAsync("#chat-text", "just between us");
        await ann.Page.ClickAsync("#chat-send");
        JsonElement received;
        do
        {
            received = await bob.ExpectAsync("chat");
        }
        while (received.GetProperty("text").GetString() != "just between us");
        Assert.True(received.GetProperty("private").GetBoolean());
        Assert.Equal("Ann", received.GetProperty("from").GetProperty("name").GetString());
        await ann.WaitTextAsync("#chat-log li.private:last-child .who", "Ann (private)", TimeSpan.FromSeconds(10));

        // Bob answers privately; then Ann writes to everyone, which Vera sees, and the private lines never reached her.
        await bob.SendAsync($$"""{"v":1,"type":"chat.send","text":"agreed","to":"{{await ann.StateAsync("you")}}"}""");
        await ann.WaitTextAsync("#chat-log li.private:last-child .text", "agreed", TimeSpan.FromSeconds(10));
        await ann.Page.SelectOptionAsync("#chat-to", "");
        await ann.Page.FillAsync("#chat-text", "hello all");
        await ann.Page.ClickAsync("#chat-send");
        await vera.WaitTextAsync("#chat-log li:last-child .text", "hello all", TimeSpan.FromSeconds(15));
        Assert.Equal(["hello all"], await vera.Page.Locator("#chat-log li .text").AllTextContentsAsync());

        // Bob leaves the stage: he drops out of the list and the choice falls back to everyone.
        await ann.Page.SelectOptionAsync("#chat-to", bobId);
        await bob.SendAsync("""{"v":1,"type":"leave"}""");
        await ann.Page.WaitForFunctionAsync("() => document.querySelectorAll('#chat-to option').length === 1 || document.getElementById('chat-to').hidden", null, new() { Timeout = 10_000 });
        Assert.Equal("", await ann.Page.EvalOnSelectorAsync<string>("#chat-to", "s => s.value"));
        Assert.Equal("Message everyone", await ann.Page.GetAttributeAsync("#chat-text", "placeholder"));
    }
}
