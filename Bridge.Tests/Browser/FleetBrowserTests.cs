using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Tests.Signaling.Nodes;
using Fleet;
using Microsoft.Extensions.DependencyInjection;
using Signaling.Assignment;
using Signaling.Clients;
using Xunit.Abstractions;

namespace Bridge.Tests.Browser;

/// <summary>
/// The README's local fleet (main signaling, two visitor nodes, bridges in a relay tree) in real Chromium through the web
/// client: two participants publish; two visitors over the threshold are redirected to visitor nodes, show the badge and
/// decode the participants' video from visitor bridges, one of them two relay hops from the core.
/// </summary>
[Trait("Category", "Browser")]
public sealed class FleetBrowserTests : IClassFixture<ChromiumFixture>
{
    private const string Room = "acme/fleet-e2e";
    private const string Small = "resolution=320x180";
    private static readonly TimeSpan MediaWait = TimeSpan.FromSeconds(25);
    private readonly ChromiumFixture _chromium;
    private readonly ITestOutputHelper _output;

    public FleetBrowserTests(ChromiumFixture chromium, ITestOutputHelper output)
    {
        _chromium = chromium;
        _output = output;
    }

    [Fact]
    public async Task Visitors_redirected_to_visitor_nodes_watch_the_participants_from_visitor_bridges_two_hops_away()
    {
        // Four bridges at fan-out 2 make a tree two hops deep: core -> vb1, vb2; vb1 -> vb3.
        await using var fleet = await VisitorNodeFleetTests.StartFleetAsync(maxVisitorsPerNode: 2000, bridges: 4);
        await VisitorNodeFleetTests.WaitForNodesAsync(fleet);
        await using var context = await _chromium.Browser.NewContextAsync();
        var page = new Uri(fleet.MainUrl, $"/?room={Room}&autojoin=1&{Small}").ToString();

        var ann = await ConferencePage.OpenAsync(context, page + "&name=Ann", "ann", _output);
        Assert.Equal("participant", await ann.WaitJoinedAsync());
        var bob = await ConferencePage.OpenAsync(context, page + "&name=Bob", "bob", _output);
        Assert.Equal("participant", await bob.WaitJoinedAsync());

        // Two watchers without media take the first-hop visitor bridges, so the tree grows to its second hop.
        await using var early1 = (await VisitorNodeFleetTests.JoinAsVisitorAsync(fleet, "Early 1", Room)).Client;
        await using var early2 = (await VisitorNodeFleetTests.JoinAsVisitorAsync(fleet, "Early 2", Room)).Client;

        var vera = await ConferencePage.OpenAsync(context, page + "&name=Vera", "vera", _output);
        Assert.Equal("visitor", await vera.WaitJoinedAsync());
        var viktor = await ConferencePage.OpenAsync(context, page + "&name=Viktor", "viktor", _output);
        Assert.Equal("visitor", await viktor.WaitJoinedAsync());

        // The visitors were redirected: their pages talk to visitor nodes, not to main.
        var nodes = fleet.Nodes.Select(n => (string?)n.Id).ToHashSet();
        Assert.Contains(await vera.StateAsync("node"), nodes);
        Assert.Contains(await viktor.StateAsync("node"), nodes);

        await ann.WaitSendingAsync(MediaWait);
        await bob.WaitSendingAsync(MediaWait);
        await vera.WaitFramesRisingAsync(MediaWait);
        await viktor.WaitFramesRisingAsync(MediaWait);
        Assert.True(await vera.Page.Locator("#visitor-badge").IsVisibleAsync());
        Assert.True(await viktor.Page.Locator("#visitor-badge").IsVisibleAsync());
        Assert.False(await ann.Page.Locator("#visitor-badge").IsVisibleAsync());
        await ann.WaitTextAsync("#visitor-count", "4", TimeSpan.FromSeconds(10));
        await vera.WaitTextAsync("#visitor-count", "4", TimeSpan.FromSeconds(10));

        // Participants on the core; visitors on visitor bridges, one of them two relay hops from the core.
        var conference = BridgeApiClient.ConferenceId(RoomName.Parse(Room));
        var tree = fleet.MainServices.GetRequiredService<RoomRegistry>().Find(RoomName.Parse(Room))!.Tree.Plan!;
        Assert.Equal("core", await BridgeOfAsync(fleet, conference, (await ann.StateAsync("you"))!));
        var hops = new List<int>();
        foreach (var visitor in new[] { vera, viktor })
        {
            var bridge = await BridgeOfAsync(fleet, conference, (await visitor.StateAsync("you"))!);
            Assert.NotNull(bridge);
            Assert.NotEqual("core", bridge);
            hops.Add(tree.DepthOf(bridge));
        }

        _output.WriteLine($"visitor hops from the core: {string.Join(", ", hops)}; tree depth {tree.Bridges.Max(tree.DepthOf)}");
        Assert.Contains(2, hops);
    }

    private static async Task<string?> BridgeOfAsync(LocalSignalingFleet fleet, string conference, string endpoint)
    {
        using var http = new HttpClient();
        foreach (var (id, api) in fleet.Bridges)
        {
            using var response = await http.GetAsync(new Uri(api, $"/conferences/{conference}/endpoints/{endpoint}"));
            if (response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString() is not "expired")
            {
                return id;
            }
        }

        return null;
    }
}
