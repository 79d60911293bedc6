using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Signaling.Bridges;
using Signaling.Hosting;

namespace Bridge.Tests.Registration;

/// <summary>A main signaling node in this process on a free loopback port.</summary>
public sealed class TestSignaling : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestSignaling(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
        Http = new HttpClient { BaseAddress = url };
    }

    /// <summary>Base URL of the host.</summary>
    public Uri Url { get; }

    /// <summary>Client for the host (no secret).</summary>
    public HttpClient Http { get; }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The registry behind the routes.</summary>
    public BridgeRegistry Registry => _app.Services.GetRequiredService<BridgeRegistry>();

    /// <summary>Starts the host with a 1 s report interval; <paramref name="configure"/> adjusts options after that.</summary>
    public static async Task<TestSignaling> StartAsync(Action<SignalingOptions>? configure = null)
    {
        var app = SignalingHost.Build([], o =>
        {
            o.Url = "http://127.0.0.1:0";
            o.ReportIntervalSeconds = 1;
            configure?.Invoke(o);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestSignaling(app, new Uri(address));
    }

    /// <summary>GET /bridges as JSON elements, keyed by bridge id.</summary>
    public async Task<Dictionary<string, JsonElement>> BridgesAsync(string? secret = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/bridges");
        if (secret is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        }

        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var list = await response.Content.ReadFromJsonAsync<JsonElement[]>();
        return list!.ToDictionary(b => b.GetProperty("bridgeId").GetString()!);
    }

    /// <summary>Polls GET /bridges until <paramref name="done"/> holds or <paramref name="timeout"/> passes; returns the last listing.</summary>
    public async Task<Dictionary<string, JsonElement>> WaitForAsync(Func<Dictionary<string, JsonElement>, bool> done, TimeSpan timeout, string? secret = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var bridges = await BridgesAsync(secret);
        while (!done(bridges) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            bridges = await BridgesAsync(secret);
        }

        return bridges;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
