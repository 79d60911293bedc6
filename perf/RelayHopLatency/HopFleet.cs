using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Bridge.Api;
using Bridge.Hosting;
using Bridge.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace RelayHopLatency;

/// <summary>
/// Real bridges in this process on loopback, wired into relay links through their control APIs
/// (PUT /conferences/{id} on every bridge, POST /relays at both ends), as a control plane would.
/// </summary>
public sealed class HopFleet : IAsyncDisposable
{
    private readonly Dictionary<string, (WebApplication App, HttpClient Http, IPEndPoint Media)> _bridges = new(StringComparer.Ordinal);
    private uint _nextLinkId = 1;

    /// <summary>Starts one bridge per id (warnings-only logging, consent timeout at its maximum).</summary>
    public static async Task<HopFleet> StartAsync(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var fleet = new HopFleet();
        foreach (var id in ids)
        {
            var app = BridgeHost.Build(["--Logging:LogLevel:Default=Warning"], o =>
            {
                o.BridgeId = id;
                o.MediaPort = 0;
                o.ApiUrl = "http://127.0.0.1:0";
                o.LoopbackOnly = true;
                o.ConsentTimeoutSeconds = 300;
            });
            await app.StartAsync();
            var api = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var media = app.Services.GetRequiredService<MediaSocket>().LocalEndPoint;
            fleet._bridges[id] = (app, new HttpClient { BaseAddress = new Uri(api) }, media);
        }
        return fleet;
    }

    /// <summary>Creates the conference on every bridge.</summary>
    public async Task CreateConferenceAsync(string conference)
    {
        foreach (var (_, http, _) in _bridges.Values)
        {
            (await http.PutAsync(new Uri($"/conferences/{conference}", UriKind.Relative), null)).EnsureSuccessStatusCode();
        }
    }

    /// <summary>Creates a relay link parent -> child with a fresh 32-byte key, configured at both ends.</summary>
    public async Task LinkAsync(string parent, string child)
    {
        var id = _nextLinkId++;
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var p = _bridges[parent];
        var c = _bridges[child];
        await PostAsync(p.Http, "/relays", new CreateRelayRequest(id, child, "127.0.0.1", c.Media.Port, key, "child"));
        await PostAsync(c.Http, "/relays", new CreateRelayRequest(id, parent, "127.0.0.1", p.Media.Port, key, "parent"));
    }

    /// <summary>Creates an endpoint on <paramref name="bridge"/>, negotiates the peer's offer, connects it and waits until the bridge calls it secure.</summary>
    public async Task<LatencyPeer> ConnectAsync(string bridge, string conference, string id, bool publish)
    {
        var (_, http, media) = _bridges[bridge];
        var peer = new LatencyPeer();
        try
        {
            var info = await PostAsync<EndpointInfo>(http, $"/conferences/{conference}/endpoints", new CreateEndpointRequest(id, publish ? "sender" : "receiver"));
            await PostAsync<AnswerResponse>(http, $"/conferences/{conference}/endpoints/{id}/sdp", new SessionDescription("offer", peer.CreateOffer(publish)));
            await peer.ConnectAsync(media, info.IceUfrag, info.IcePwd, info.Fingerprint, TimeSpan.FromSeconds(20));
            for (var i = 0; i < 400; i++)
            {
                var state = (await http.GetFromJsonAsync<EndpointInfo>(new Uri($"/conferences/{conference}/endpoints/{id}", UriKind.Relative)))!.State;
                if (state == "secure")
                {
                    return peer;
                }
                await Task.Delay(25);
            }
            throw new InvalidOperationException($"endpoint {id} on {bridge} did not become secure");
        }
        catch
        {
            peer.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var (app, http, _) in _bridges.Values)
        {
            http.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    private static async Task<string> PostAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? text : throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
    }

    private static async Task<TResult> PostAsync<TResult>(HttpClient http, string path, object body) =>
        System.Text.Json.JsonSerializer.Deserialize<TResult>(await PostAsync(http, path, body), Json)!;
}
