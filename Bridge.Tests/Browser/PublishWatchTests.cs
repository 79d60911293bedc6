using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Api;
using Bridge.Metrics;
using Bridge.Tests.Support;
using Microsoft.Playwright;

namespace Bridge.Tests.Browser;

/// <summary>
/// Real Chromium pages against a real bridge: one publishes camera and microphone, one watches, and a
/// third is a visitor that tries to publish anyway.
/// </summary>
[Trait("Category", "Browser")]
public sealed class PublishWatchTests : IClassFixture<ChromiumFixture>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ChromiumFixture _chromium;

    public PublishWatchTests(ChromiumFixture chromium) => _chromium = chromium;

    private sealed record Stats(string? Connection, int FramesDecoded, int AudioPacketsReceived, int VideoPacketsReceived, int PacketsSent, long[] InboundSsrcs, string? SrtpCipher, string? TlsVersion);

    [Fact]
    public async Task Watcher_decodes_the_publishers_video_and_audio_and_a_visitor_cannot_publish()
    {
        await using var bridge = await TestBridge.StartAsync();
        var baseUrl = bridge.Api.ToString().TrimEnd('/');
        await using var context = await _chromium.Browser.NewContextAsync();

        var publisher = await OpenAsync(context, $"{baseUrl}/?conference=e2e&role=publish");
        var watcher = await OpenAsync(context, $"{baseUrl}/?conference=e2e&role=watch");

        // Within 10 s the watcher decodes video frames and receives audio, both still rising.
        var first = await WaitForAsync(watcher, s => s.FramesDecoded > 0 && s.AudioPacketsReceived > 0, TimeSpan.FromSeconds(10));
        await Task.Delay(1000);
        var second = await StatsAsync(watcher);
        Assert.True(second.FramesDecoded > first.FramesDecoded, $"frames decoded stalled at {second.FramesDecoded}");
        Assert.True(second.AudioPacketsReceived > first.AudioPacketsReceived, $"audio packets stalled at {second.AudioPacketsReceived}");
        Assert.Equal("connected", second.Connection);
        // Chromium offers DTLS 1.3 with 1.2 fallback and both SRTP profiles; the bridge negotiates 1.2 (FEFD) and prefers GCM.
        Assert.Equal("FEFD", second.TlsVersion);
        Assert.Equal("SRTP_AEAD_AES_128_GCM", second.SrtpCipher);

        // A visitor that forces its browser to send: the bridge drops every packet, the watcher never sees it.
        var droppedBefore = bridge.Counters.Dropped(DropReason.ReceiverMedia);
        var intruder = await OpenAsync(context, $"{baseUrl}/?conference=e2e&role=watch&send=1");
        await WaitForAsync(intruder, s => s.PacketsSent > 100, TimeSpan.FromSeconds(10));
        Assert.True(bridge.Counters.Dropped(DropReason.ReceiverMedia) - droppedBefore > 100);
        var watcherId = await watcher.EvaluateAsync<string>("window.demo.id");
        var watcherInfo = await bridge.Http.GetFromJsonAsync<EndpointInfo>($"/conferences/e2e/endpoints/{watcherId}");
        var slotSsrcs = watcherInfo!.Media.Select(m => (long)m.SlotSsrc!.Value).ToHashSet();
        var afterIntruder = await StatsAsync(watcher);
        Assert.All(afterIntruder.InboundSsrcs, ssrc => Assert.Contains(ssrc, slotSsrcs));
        var intruderId = await intruder.EvaluateAsync<string>("window.demo.id");
        var intruderInfo = await bridge.Http.GetFromJsonAsync<EndpointInfo>($"/conferences/e2e/endpoints/{intruderId}");
        Assert.True(intruderInfo!.DroppedMedia > 100);
        // Only the publisher's packets were accepted as media.
        var publisherId = await publisher.EvaluateAsync<string>("window.demo.id");
        Assert.NotNull(publisherId);
        Assert.Equal(0, bridge.Counters.Dropped(DropReason.SrtpAuthFailed));
    }

    [Fact]
    public async Task Watcher_two_relay_hops_from_the_publisher_decodes_video()
    {
        await using var fleet = await TestFleet.StartAsync(["core", "mid", "leaf"]);
        await fleet.CreateConferenceAsync("e2e");
        await fleet.LinkAsync("core", "mid");
        await fleet.LinkAsync("mid", "leaf");
        await using var context = await _chromium.Browser.NewContextAsync();
        await OpenAsync(context, $"{fleet.Bridges["core"].Api.ToString().TrimEnd('/')}/?conference=e2e&role=publish");
        var watcher = await OpenAsync(context, $"{fleet.Bridges["leaf"].Api.ToString().TrimEnd('/')}/?conference=e2e&role=watch");

        var first = await WaitForAsync(watcher, s => s.FramesDecoded > 0 && s.AudioPacketsReceived > 0, TimeSpan.FromSeconds(10));
        await Task.Delay(1000);
        var second = await StatsAsync(watcher);
        Assert.True(second.FramesDecoded > first.FramesDecoded, $"frames decoded stalled at {second.FramesDecoded}");
        // The media really crossed both links.
        Assert.True(Volatile.Read(ref fleet.Link("core", "core", "mid").MediaPacketsOut) > 0);
        Assert.True(Volatile.Read(ref fleet.Link("mid", "mid", "leaf").MediaPacketsOut) > 0);
    }

    private static async Task<IPage> OpenAsync(IBrowserContext context, string url)
    {
        var page = await context.NewPageAsync();
        page.Console += (_, message) => Console.WriteLine($"[page] {message.Text}");
        await page.GotoAsync(url);
        await page.WaitForFunctionAsync("() => window.demo !== undefined || window.demoError !== undefined", null, new PageWaitForFunctionOptions { Timeout = 10_000 });
        var error = await page.EvaluateAsync<string?>("window.demoError ?? null");
        Assert.Null(error);
        return page;
    }

    private static async Task<Stats> StatsAsync(IPage page)
    {
        var json = await page.EvaluateAsync<JsonElement>("window.demoStats()");
        return json.Deserialize<Stats>(Json)!;
    }

    private static async Task<Stats> WaitForAsync(IPage page, Func<Stats, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var stats = await StatsAsync(page);
            if (condition(stats))
            {
                return stats;
            }
            if (DateTime.UtcNow > deadline)
            {
                var error = await page.EvaluateAsync<string?>("window.demoError ?? null");
                Assert.Fail($"timed out; last stats {stats}; page error: {error}");
            }
            await Task.Delay(250);
        }
    }
}
