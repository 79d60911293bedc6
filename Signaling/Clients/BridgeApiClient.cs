using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Signaling.Assignment;

namespace Signaling.Clients;

/// <summary>A bridge control-API call that failed: the bridge refused it (<see cref="Status"/> 4xx) or could not be reached (null).</summary>
public sealed class BridgeApiException(int? status, string message) : Exception(message)
{
    /// <summary>The HTTP status the bridge answered, or null when it did not answer.</summary>
    public int? Status { get; } = status;

    /// <summary>True when the bridge refused the request itself (4xx), so retrying the same request cannot help.</summary>
    public bool Refused => Status is >= 400 and < 500;
}

/// <summary>One end of a relay link as POST /relays takes it: the same <paramref name="Id"/> and <paramref name="Key"/> (32 bytes, base64) at both ends.</summary>
/// <param name="Id">Link id, unique on both bridges.</param>
/// <param name="PeerId">The other bridge's id.</param>
/// <param name="Host">The other bridge's media host.</param>
/// <param name="Port">The other bridge's media port.</param>
/// <param name="Key">The link key, base64 of 32 random bytes.</param>
/// <param name="PeerRole">What the other bridge is to this one: <c>parent</c>, <c>child</c> or <c>mesh</c>.</param>
public sealed record RelayLinkEnd(uint Id, string PeerId, string Host, int Port, string Key, string PeerRole);

/// <summary>Calls a bridge's control API (docs/bridge-control-api.md) on behalf of clients: create endpoint, set offer, delete endpoint.</summary>
public sealed class BridgeApiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string? _secret;

    /// <summary>Uses <paramref name="secret"/> as the bearer token (the bridges' <c>Bridge:ApiSecret</c>) when set.</summary>
    public BridgeApiClient(string? secret, TimeSpan timeout)
    {
        _secret = secret;
        _http = new HttpClient { Timeout = timeout };
    }

    /// <summary>
    /// The bridge conference id of <paramref name="room"/>. Bridge ids are 1-64 of <c>A-Z a-z 0-9 - _ .</c>, so
    /// <c>tenant/room</c> (up to 129 characters, with a slash) cannot be used as is, and joining the parts with an
    /// allowed character would let two rooms collide; a hash of the name is short, fixed and collision-free in practice.
    /// </summary>
    public static string ConferenceId(RoomName room)
    {
        ArgumentNullException.ThrowIfNull(room);
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(room.ToString()));
        return "r-" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    /// <summary>
    /// POST /conferences/{c}/endpoints: creates endpoint <paramref name="endpoint"/> with <paramref name="role"/> (<c>sender</c> or
    /// <c>receiver</c>); a participant's <paramref name="order"/> is its place on the stage, which the bridge ranks its sources by.
    /// </summary>
    public Task CreateEndpointAsync(Uri api, string conference, string endpoint, string role, long? order, CancellationToken cancel) =>
        SendAsync(HttpMethod.Post, api, $"conferences/{conference}/endpoints", new { id = endpoint, role, order }, cancel);

    /// <summary>POST /conferences/{c}/endpoints/{e}/sdp with the client's offer; returns the bridge's SDP answer.</summary>
    public async Task<string> OfferAsync(Uri api, string conference, string endpoint, string sdp, CancellationToken cancel)
    {
        var body = await SendAsync(HttpMethod.Post, api, $"conferences/{conference}/endpoints/{endpoint}/sdp", new { type = "offer", sdp }, cancel).ConfigureAwait(false);
        return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("sdp", out var answer) && answer.ValueKind == JsonValueKind.String
            ? answer.GetString()!
            : throw new BridgeApiException(null, "the bridge's answer holds no sdp");
    }

    /// <summary>PUT /conferences/{c}: creates the conference when missing (idempotent); every bridge of a relay tree needs it.</summary>
    public Task PutConferenceAsync(Uri api, string conference, CancellationToken cancel) =>
        SendAsync(HttpMethod.Put, api, $"conferences/{conference}", null, cancel);

    /// <summary>DELETE /conferences/{c}: expires the conference and its endpoints; a 404 (already gone) counts as done.</summary>
    public Task DeleteConferenceAsync(Uri api, string conference, CancellationToken cancel) =>
        DeleteAsync(api, $"conferences/{conference}", cancel);

    /// <summary>POST /relays: creates one end of a relay link (docs/bridge-control-api.md, "Relay links").</summary>
    public Task CreateRelayAsync(Uri api, RelayLinkEnd link, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(link);
        return SendAsync(HttpMethod.Post, api, "relays", new { id = link.Id, peerId = link.PeerId, host = link.Host, port = link.Port, key = link.Key, peerRole = link.PeerRole }, cancel);
    }

    /// <summary>GET /relays: the ids of the relay link ends the bridge holds.</summary>
    public async Task<IReadOnlyList<uint>> ListRelayIdsAsync(Uri api, CancellationToken cancel)
    {
        var body = await SendAsync(HttpMethod.Get, api, "relays", null, cancel).ConfigureAwait(false);
        return body.ValueKind == JsonValueKind.Array
            ? [.. body.EnumerateArray().Where(l => l.ValueKind == JsonValueKind.Object && l.TryGetProperty("id", out var id) && id.TryGetUInt32(out _)).Select(l => l.GetProperty("id").GetUInt32())]
            : throw new BridgeApiException(null, "the bridge's relay list is not an array");
    }

    /// <summary>DELETE /relays/{id}: removes one end of a relay link; a 404 (already gone) counts as done.</summary>
    public Task DeleteRelayAsync(Uri api, uint id, CancellationToken cancel) =>
        DeleteAsync(api, $"relays/{id.ToString(System.Globalization.CultureInfo.InvariantCulture)}", cancel);

    /// <summary>DELETE /conferences/{c}/endpoints/{e}: expires the endpoint; a 404 (already gone) counts as done.</summary>
    public Task DeleteEndpointAsync(Uri api, string conference, string endpoint, CancellationToken cancel) =>
        DeleteAsync(api, $"conferences/{conference}/endpoints/{endpoint}", cancel);

    private async Task DeleteAsync(Uri api, string path, CancellationToken cancel)
    {
        try
        {
            await SendAsync(HttpMethod.Delete, api, path, null, cancel).ConfigureAwait(false);
        }
        catch (BridgeApiException e) when (e.Status == 404)
        {
            // Gone already (an endpoint expired by connect or consent timeout, a link removed by hand).
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    private async Task<JsonElement> SendAsync(HttpMethod method, Uri api, string path, object? body, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(method, new Uri(api, path));
        if (_secret is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _secret);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
        {
            throw new BridgeApiException(null, $"bridge at {api} unreachable: {e.Message}");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
            JsonElement json = default;
            try
            {
                json = text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text);
            }
            catch (JsonException)
            {
                // Not JSON: reported below through the status, or as a missing field by the caller.
            }

            if (!response.IsSuccessStatusCode)
            {
                var why = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String
                    ? error.GetString()
                    : response.ReasonPhrase;
                throw new BridgeApiException((int)response.StatusCode, $"bridge answered {(int)response.StatusCode}: {why}");
            }

            return json;
        }
    }
}
