using System.Net;
using System.Net.Http.Json;
using Bridge.Api;
using Bridge.Client;
using Bridge.Hosting;
using Bridge.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Support;

/// <summary>A real bridge in this process: media on a free loopback UDP port, control API on a free HTTP port.</summary>
public sealed class TestBridge : IAsyncDisposable
{
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);
    private readonly WebApplication _app;

    private TestBridge(WebApplication app, Uri api)
    {
        _app = app;
        Api = api;
        Http = new HttpClient { BaseAddress = api };
    }

    /// <summary>Base URL of the control API.</summary>
    public Uri Api { get; }

    /// <summary>Client for the control API.</summary>
    public HttpClient Http { get; }

    /// <summary>The media socket's address.</summary>
    public IPEndPoint MediaEndPoint => _app.Services.GetRequiredService<Bridge.Transport.MediaSocket>().LocalEndPoint;

    /// <summary>The bridge's services (relay links, conferences) for white-box checks.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The bridge's packet counters.</summary>
    public BridgeCounters Counters => _app.Services.GetRequiredService<BridgeCounters>().Total();

    /// <summary>Starts a bridge; <paramref name="configure"/> adjusts options after the test defaults.</summary>
    public static async Task<TestBridge> StartAsync(Action<BridgeOptions>? configure = null, TimeProvider? time = null)
    {
        var app = BridgeHost.Build([], options =>
        {
            options.MediaPort = 0;
            options.ApiUrl = "http://127.0.0.1:0";
            options.LoopbackOnly = true;
            configure?.Invoke(options);
        }, time);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestBridge(app, new Uri(address));
    }

    /// <summary>The endpoint's state as the API reports it, or null when it is gone.</summary>
    public async Task<string?> StateAsync(string conference, string id)
    {
        var response = await Http.GetAsync($"/conferences/{conference}/endpoints/{id}");
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<EndpointInfo>())!.State : null;
    }

    /// <summary>Creates an endpoint through the API (at stage place <paramref name="order"/> when given) and returns its fragments.</summary>
    public async Task<EndpointInfo> CreateEndpointAsync(string conference, string id, string role, long? order = null)
    {
        var response = await Http.PostAsJsonAsync($"/conferences/{conference}/endpoints", new CreateEndpointRequest(id, role, order));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<EndpointInfo>())!;
    }

    /// <summary>Posts an offer and returns the answer.</summary>
    public async Task<AnswerResponse> NegotiateAsync(string conference, string id, string offer)
    {
        var response = await Http.PostAsJsonAsync($"/conferences/{conference}/endpoints/{id}/sdp", new SessionDescription("offer", offer));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"negotiation failed: {(int)response.StatusCode} {body}");
        return System.Text.Json.JsonSerializer.Deserialize<AnswerResponse>(body, Json)!;
    }

    /// <summary>Creates an endpoint for a simulated peer, negotiates and connects it.</summary>
    public async Task<(SimulatedPeer Peer, AnswerResponse Answer)> ConnectPeerAsync(string conference, string id, bool publish, SimulatedPeer? peer = null, uint audioSsrc = 0x1111, uint videoSsrc = 0x2222, bool receiveToo = false, long? order = null)
    {
        peer ??= new SimulatedPeer();
        var info = await CreateEndpointAsync(conference, id, publish ? "sender" : "receiver", order);
        var answer = await NegotiateAsync(conference, id, peer.CreateOffer(publish, audioSsrc, videoSsrc, receiveToo: receiveToo));
        await peer.ConnectAsync(MediaEndPoint, info.IceUfrag, info.IcePwd, info.Fingerprint, TimeSpan.FromSeconds(10));
        return (peer, answer);
    }

    /// <summary>Waits until the bridge reports every named endpoint secure (DTLS done on its side too).</summary>
    public async Task WaitSecureAsync(string conference, params string[] ids)
    {
        foreach (var id in ids)
        {
            var secure = false;
            for (var i = 0; i < 200 && !secure; i++)
            {
                var info = await Http.GetFromJsonAsync<EndpointInfo>($"/conferences/{conference}/endpoints/{id}");
                secure = info!.State == "secure";
                if (!secure)
                {
                    await Task.Delay(25);
                }
            }
            Assert.True(secure, $"endpoint {id} did not become secure");
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
