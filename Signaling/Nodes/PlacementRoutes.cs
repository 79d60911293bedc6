using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Signaling.Assignment;
using Signaling.Clients;
using Signaling.Features.Chat;
using Signaling.Features.Polls;
using Signaling.Hosting;
using Signaling.Protocol;

namespace Signaling.Nodes;

/// <summary>
/// The main node's route for visitor nodes, <c>POST /federation/placements</c>: main keeps the rooms' relay trees and
/// delegates a bridge of the tree per visitor; the node then does the per-visitor work (endpoint, SDP, teardown) itself.
/// </summary>
internal static partial class PlacementRoutes
{
    /// <summary>Largest accepted request body.</summary>
    public const int MaxBodyBytes = 4096;

    /// <summary>Maps the route; when <paramref name="secret"/> is set it demands "Authorization: Bearer &lt;secret&gt;".</summary>
    public static void MapPlacementRoutes(this IEndpointRouteBuilder app, string? secret)
    {
        app.MapGroup("/federation").RequireBearer(secret).MapPost("/placements", PlaceAsync);
    }

    private static async Task<IResult> PlaceAsync(HttpRequest request, RoomRegistry rooms, VisitorPlacement placement, ChatService chat, PollService polls, ILogger<VisitorPlacement> log)
    {
        PlacementRequest? body;
        try
        {
            if (request.ContentLength is > MaxBodyBytes)
            {
                return Refuse(StatusCodes.Status400BadRequest, ErrorCode.BadField, $"body must be at most {MaxBodyBytes} bytes");
            }

            body = await JsonSerializer.DeserializeAsync(request.Body, FederationJson.Default.PlacementRequest, request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return Refuse(StatusCodes.Status400BadRequest, ErrorCode.BadJson, e.Message);
        }

        if (body is null)
        {
            return Refuse(StatusCodes.Status400BadRequest, ErrorCode.BadJson, "body must be a JSON object");
        }

        if (!RoomName.TryParse(body.Room, out var name, out var error))
        {
            return Refuse(StatusCodes.Status400BadRequest, ErrorCode.BadField, "room: " + error);
        }

        if (string.IsNullOrEmpty(body.Node) || body.Node.Length > 64)
        {
            return Refuse(StatusCodes.Status400BadRequest, ErrorCode.BadField, "node must be the visitor node's id");
        }

        var room = rooms.Enter(name);
        // The node's first visitor of the room keeps the room in use until the node's count arrives (or the reservation expires).
        var reserved = room.Reserve(body.Node);
        try
        {
            // The node's visitor takes no seat; asking marks the room as using visitors, as a redirect does.
            var decision = room.Admission.Decide(new JoinRequest(body.Node + "/visitor", WantsVisitor: true));
            if (decision.Role != AdmissionRole.Visitor)
            {
                reserved = reserved && !room.Unreserve(body.Node);
                return Refuse(StatusCodes.Status403Forbidden, ErrorCode.VisitorsDisabled, "this room admits no visitors");
            }

            var placed = await placement.PlaceAsync(room, request.HttpContext.RequestAborted).ConfigureAwait(false);
            var (stageVersion, stage, visitorsVersion, visitors) = room.Snapshot();
            return Results.Json(
                new PlacementResponse(
                    placed.BridgeId,
                    placed.Api.ToString(),
                    new StagePayload(stageVersion.Epoch, stageVersion.Seq, stage.Participants),
                    new VisitorsPayload(visitorsVersion.Epoch, visitorsVersion.Seq, visitors),
                    chat.Snapshot(room),
                    polls.Snapshot(room)),
                FederationJson.Default.PlacementResponse);
        }
        catch (AssignmentException e)
        {
            return Refuse(StatusCodes.Status503ServiceUnavailable, ErrorCode.Internal, "no media bridge is available: " + e.Message);
        }
        catch (BridgeApiException e)
        {
            LogPlacementFailed(log, name.ToString(), body.Node, e.Message);
            return Refuse(StatusCodes.Status502BadGateway, ErrorCode.Internal, "could not place the visitor: " + e.Message);
        }
        finally
        {
            if (!reserved)
            {
                rooms.Exit(room);
            }
        }
    }

    private static IResult Refuse(int status, ErrorCode code, string message) =>
        Results.Json(new PlacementRefusal(ErrorCodes.Name(code), message), FederationJson.Default.PlacementRefusal, statusCode: status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "placement of a visitor of room {Room} for node {Node} failed: {Reason}")]
    private static partial void LogPlacementFailed(ILogger logger, string room, string node, string reason);
}
