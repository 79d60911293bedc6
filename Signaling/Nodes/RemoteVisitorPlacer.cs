using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Signaling.Assignment;
using Signaling.Clients;
using Signaling.Features.Chat;
using Signaling.Features.Polls;
using Signaling.Hosting;
using Signaling.Protocol;

namespace Signaling.Nodes;

/// <summary>A placement main refused for a reason the client must hear (e.g. <c>visitors-disabled</c>).</summary>
internal sealed class PlacementRefusedException(ErrorCode code, string message) : Exception(message)
{
    /// <summary>The client protocol error to send.</summary>
    public ErrorCode Code { get; } = code;
}

/// <summary>
/// A visitor node's <see cref="IVisitorPlacer"/>: asks main (<c>POST {MainUrl}/federation/placements</c>) which bridge
/// of the room's relay tree takes one more visitor, and takes up the room's stage and visitor total from the answer.
/// </summary>
internal sealed class RemoteVisitorPlacer : IVisitorPlacer, IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _placements;
    private readonly string _nodeId;
    private readonly int _chatHistory;
    private readonly PollService? _polls;

    /// <summary>Calls the main node named by <paramref name="options"/>' <c>MainUrl</c>, with its <c>NodeSecret</c>.</summary>
    public RemoteVisitorPlacer(SignalingOptions options, PollService? polls = null)
    {
        _polls = polls;
        _nodeId = options.NodeId;
        _chatHistory = options.ChatHistory;
        _placements = new Uri(new Uri(options.MainUrl!.TrimEnd('/') + "/"), "federation/placements");
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        if (options.NodeSecret is { } secret)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }
    }

    /// <inheritdoc/>
    public async Task<BridgePlacement> PlaceAsync(Room room, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(room);
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsJsonAsync(_placements, new PlacementRequest(room.Name.ToString(), _nodeId), FederationJson.Default.PlacementRequest, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new BridgeApiException(null, $"the main node at {_placements} did not answer: {e.Message}");
        }

        using (response)
        {
            try
            {
                if (!response.IsSuccessStatusCode)
                {
                    var refusal = await response.Content.ReadFromJsonAsync(FederationJson.Default.PlacementRefusal, cancel).ConfigureAwait(false);
                    var message = refusal?.Message ?? response.ReasonPhrase ?? "refused";
                    throw (int)response.StatusCode switch
                    {
                        403 => new PlacementRefusedException(ErrorCode.VisitorsDisabled, message),
                        503 => new AssignmentException(AssignmentError.NoBridge, message),
                        _ => new BridgeApiException((int)response.StatusCode, $"main refused the placement: {message}"),
                    };
                }

                var placed = await response.Content.ReadFromJsonAsync(FederationJson.Default.PlacementResponse, cancel).ConfigureAwait(false)
                    ?? throw new JsonException("empty placement");
                if (!Uri.TryCreate(placed.Api, UriKind.Absolute, out var api) || string.IsNullOrEmpty(placed.BridgeId))
                {
                    throw new JsonException("placement without a bridge");
                }

                room.ApplyStage(new RoomVersion(placed.Stage.Epoch, placed.Stage.Seq), placed.Stage.Participants ?? []);
                room.ApplyVisitors(new RoomVersion(placed.Visitors.Epoch, placed.Visitors.Seq), Math.Max(0, placed.Visitors.Count));
                if (placed.Chat is { } chat)
                {
                    ChatService.ApplySnapshot(room, chat, _chatHistory);
                }

                if (placed.Polls is { } polls)
                {
                    _polls?.Apply(room, polls);
                }

                return new BridgePlacement(placed.BridgeId, api);
            }
            catch (Exception e) when (e is JsonException or NotSupportedException)
            {
                throw new BridgeApiException(null, $"the main node sent an unreadable placement: {e.Message}");
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}
