using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bridge.Api;

namespace LoadHarness;

/// <summary>One bridge's control API (docs/bridge-control-api.md) as the harness uses it.</summary>
public sealed class BridgeApi : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;

    /// <summary>A client for the API at <paramref name="baseAddress"/>, with a bearer secret when given.</summary>
    public BridgeApi(string id, Uri baseAddress, string? secret)
    {
        Id = id;
        BaseAddress = baseAddress;
        // Many joins at once: allow enough connections, and never hang a bounded run on one request.
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(20) };
        if (secret is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }
    }

    /// <summary>The bridge's id in the relay tree (for reports).</summary>
    public string Id { get; }

    /// <summary>The API's base URL.</summary>
    public Uri BaseAddress { get; }

    /// <summary>PUT /conferences/{id}.</summary>
    public async Task CreateConferenceAsync(string conference, CancellationToken token)
    {
        using var response = await _http.PutAsync(new Uri($"/conferences/{conference}", UriKind.Relative), null, token);
        await EnsureAsync(response, "PUT /conferences", token);
    }

    /// <summary>POST /relays: one end of a relay link.</summary>
    public Task CreateRelayAsync(CreateRelayRequest request, CancellationToken token) =>
        PostAsync<JsonElement>("/relays", request, token);

    /// <summary>POST the endpoint, then its offer; answers the endpoint's fragments.</summary>
    public async Task<EndpointInfo> CreateEndpointAsync(string conference, string id, bool sender, string offer, CancellationToken token)
    {
        await PostAsync<EndpointInfo>($"/conferences/{conference}/endpoints", new CreateEndpointRequest(id, sender ? "sender" : "receiver"), token);
        var answer = await PostAsync<AnswerResponse>($"/conferences/{conference}/endpoints/{id}/sdp", new SessionDescription("offer", offer), token);
        return answer.Endpoint;
    }

    /// <summary>GET /stats.</summary>
    public async Task<BridgeStats> GetStatsAsync(CancellationToken token) =>
        (await _http.GetFromJsonAsync<BridgeStats>(new Uri("/stats", UriKind.Relative), Json, token))!;

    /// <summary>GET /relays: link states.</summary>
    public async Task<IReadOnlyList<RelayInfo>> GetRelaysAsync(CancellationToken token) =>
        (await _http.GetFromJsonAsync<List<RelayInfo>>(new Uri("/relays", UriKind.Relative), Json, token))!;

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    private async Task<T> PostAsync<T>(string path, object body, CancellationToken token)
    {
        using var response = await _http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, Json, token);
        await EnsureAsync(response, $"POST {path}", token);
        return (await response.Content.ReadFromJsonAsync<T>(Json, token))!;
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken token)
    {
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(token);
            throw new HttpRequestException($"{what}: {(int)response.StatusCode} {text}", null, response.StatusCode == 0 ? HttpStatusCode.BadGateway : response.StatusCode);
        }
    }
}
