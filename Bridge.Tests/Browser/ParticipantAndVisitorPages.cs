using Bridge.Tests.Signaling.Nodes;
using Fleet;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Bridge.Tests.Browser;

/// <summary>
/// The local fleet with visitor nodes and two Chromium pages of one room: Ann, the first participant (she moderates an
/// open tenant), and Vera, a visitor redirected to a visitor node. Disposing closes the pages, then the fleet.
/// </summary>
internal sealed class ParticipantAndVisitorPages : IAsyncDisposable
{
    private readonly LocalSignalingFleet _fleet;
    private readonly IBrowserContext _context;

    private ParticipantAndVisitorPages(LocalSignalingFleet fleet, IBrowserContext context, ConferencePage ann, ConferencePage vera)
    {
        _fleet = fleet;
        _context = context;
        Ann = ann;
        Vera = vera;
    }

    /// <summary>The fleet the pages are in.</summary>
    public LocalSignalingFleet Fleet => _fleet;

    /// <summary>The participant's page.</summary>
    public ConferencePage Ann { get; }

    /// <summary>The visitor's page, on a visitor node.</summary>
    public ConferencePage Vera { get; }

    /// <summary>Starts the fleet, opens both pages and checks their roles (and that Vera is on a visitor node).</summary>
    public static async Task<ParticipantAndVisitorPages> OpenAsync(ChromiumFixture chromium, string room, ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(chromium);
        var fleet = await VisitorNodeFleetTests.StartFleetAsync(maxVisitorsPerNode: 2000);
        IBrowserContext? context = null;
        try
        {
            await VisitorNodeFleetTests.WaitForNodesAsync(fleet);
            context = await chromium.Browser.NewContextAsync();
            var page = new Uri(fleet.MainUrl, $"/?room={room}&autojoin=1&resolution=320x180").ToString();
            var ann = await ConferencePage.OpenAsync(context, page + "&name=Ann", "ann", output);
            Assert.Equal("participant", await ann.WaitJoinedAsync());
            var vera = await ConferencePage.OpenAsync(context, page + "&name=Vera&visitor=1", "vera", output);
            Assert.Equal("visitor", await vera.WaitJoinedAsync());
            Assert.Contains(await vera.StateAsync("node"), fleet.Nodes.Select(n => (string?)n.Id));
            return new ParticipantAndVisitorPages(fleet, context, ann, vera);
        }
        catch
        {
            if (context is not null)
            {
                await context.DisposeAsync();
            }
            await fleet.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _context.DisposeAsync();
        await _fleet.DisposeAsync();
    }
}
