using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Bridge.Tests.Browser;

/// <summary>Figures of the page's current peer connection, as <c>window.conferenceStats()</c> returns them.</summary>
public sealed record ClientStats(string Connection, long FramesDecoded, long VideoPacketsReceived, long AudioPacketsReceived, long PacketsSent);

/// <summary>A Chromium page running the signaling's web client, read through its test hooks (<c>window.conference</c>, <c>window.conferenceStats</c>).</summary>
public sealed class ConferencePage
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _label;

    private ConferencePage(IPage page, string label)
    {
        Page = page;
        _label = label;
    }

    /// <summary>The Playwright page.</summary>
    public IPage Page { get; }

    /// <summary>
    /// Opens <paramref name="url"/> in a new page of <paramref name="context"/>, logging the page's console as <paramref name="label"/>;
    /// <paramref name="initScript"/> runs before the page's own scripts.
    /// </summary>
    public static async Task<ConferencePage> OpenAsync(IBrowserContext context, string url, string label, ITestOutputHelper output, string? initScript = null)
    {
        var page = await context.NewPageAsync();
        if (initScript is not null)
        {
            await page.AddInitScriptAsync(initScript);
        }

        page.Console += (_, message) => Log(output, $"[{label}] {message.Type}: {message.Text}");
        page.PageError += (_, error) => Log(output, $"[{label}] page error: {error}");
        await page.GotoAsync(url);
        return new ConferencePage(page, label);
    }

    /// <summary>A string property of <c>window.conference</c> (null before joining).</summary>
    public Task<string?> StateAsync(string property) =>
        Page.EvaluateAsync<string?>($"() => {{ const v = window.conference?.{property}; return v == null ? null : String(v); }}");

    /// <summary>How many times the page got <c>joined</c>.</summary>
    public async Task<int> JoinsAsync() => int.Parse(await StateAsync("joins") ?? "0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Waits until the page has been joined <paramref name="joins"/> times and returns its role.</summary>
    public async Task<string> WaitJoinedAsync(int joins = 1, int timeoutMs = 20_000)
    {
        try
        {
            await Page.WaitForFunctionAsync($"() => (window.conference?.joins ?? 0) >= {joins}", null, new PageWaitForFunctionOptions { Timeout = timeoutMs, PollingInterval = 100 });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{_label} did not join {joins} time(s); status: {await TextAsync("#status")}; error: {await TextAsync("#error")}");
        }

        return (await StateAsync("role"))!;
    }

    /// <summary>The page's stats now.</summary>
    public async Task<ClientStats> StatsAsync() =>
        (await Page.EvaluateAsync<JsonElement>("window.conferenceStats()")).Deserialize<ClientStats>(Json)!;

    /// <summary>Polls the stats until <paramref name="condition"/> holds; fails naming <paramref name="what"/> and the last figures after <paramref name="timeout"/>.</summary>
    public async Task<ClientStats> WaitForStatsAsync(Func<ClientStats, bool> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var stats = await StatsAsync();
            if (condition(stats))
            {
                return stats;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{_label}: {what} within {timeout.TotalSeconds} s; last {stats}; status: {await TextAsync("#status")}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Waits for video frames to be decoded and then to keep rising (the picture is moving, not one frame).</summary>
    public async Task WaitFramesRisingAsync(TimeSpan timeout)
    {
        var first = await WaitForStatsAsync(s => s.FramesDecoded > 0, "decodes video frames", timeout);
        await WaitForStatsAsync(s => s.FramesDecoded > first.FramesDecoded + 5, $"keeps decoding frames past {first.FramesDecoded}", TimeSpan.FromSeconds(10));
    }

    /// <summary>Waits for the page to send RTP and keep sending it.</summary>
    public async Task WaitSendingAsync(TimeSpan timeout)
    {
        var first = await WaitForStatsAsync(s => s.PacketsSent > 0, "sends packets", timeout);
        await WaitForStatsAsync(s => s.PacketsSent > first.PacketsSent + 20, $"keeps sending past {first.PacketsSent}", TimeSpan.FromSeconds(10));
    }

    /// <summary>Polls the inner text of <paramref name="selector"/> until it equals <paramref name="expected"/>.</summary>
    public async Task WaitTextAsync(string selector, string expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string text;
        while ((text = await TextAsync(selector)) != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{_label}: {selector} shows \"{text}\", expected \"{expected}\"");
            await Task.Delay(200);
        }
    }

    /// <summary>The text content of the first element matching <paramref name="selector"/>.</summary>
    public async Task<string> TextAsync(string selector) => (await Page.Locator(selector).First.TextContentAsync())?.Trim() ?? "";

    private static void Log(ITestOutputHelper output, string line)
    {
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The page logged after its test ended; nobody reads it any more.
        }
    }
}
