using Microsoft.Extensions.Logging;
using Signaling.Assignment;
using Signaling.Protocol;

namespace Signaling.Clients;

/// <summary>Moving a joined client's bridge endpoint after its bridge was lost (docs/signaling.md, "Bridge loss and repair").</summary>
internal sealed partial class ClientConnection
{
    /// <summary>
    /// Gives the member a new endpoint (a participant on the room's core, chosen again; a visitor where the placer puts it),
    /// points the member at it and sends <c>reoffer</c> with <paramref name="reason"/>, so the client's next <c>offer</c> goes
    /// there. False when the connection is no longer joined or no new endpoint could be made (logged; an unreachable bridge is
    /// marked failed, so the next sweep repairs again). The old endpoint is not called: its bridge is gone.
    /// </summary>
    internal async Task<bool> MoveEndpointAsync(string reason, CancellationToken cancel)
    {
        var room = _room;
        var member = _member;
        if (room is null || member is null)
        {
            return false;
        }

        string? bridgeId = null;
        Uri api;
        try
        {
            if (member.Visitor)
            {
                (bridgeId, api) = await _hub.Visitors.PlaceAsync(room, cancel).ConfigureAwait(false);
            }
            else
            {
                bridgeId = _hub.Bridges.Selector.ChooseCore(room.Name).BridgeId;
                api = _hub.Bridges.ApiUrlOf(bridgeId) ?? throw new BridgeApiException(null, $"bridge {bridgeId} has no known control API");
            }

            // A participant keeps its place on the stage, so the new endpoint ranks where the old one did.
            await _hub.BridgeApi.CreateEndpointAsync(api, room.ConferenceId, member.Id, member.Visitor ? "receiver" : "sender", member.Visitor ? null : member.StageOrder, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AssignmentException or BridgeApiException)
        {
            if (e is BridgeApiException { Status: null } && bridgeId is not null)
            {
                _hub.Bridges.Selector.MarkFailed(bridgeId);
            }

            LogMoveFailed(_hub.Log, member.Id, room.Name.ToString(), e.Message);
            return false;
        }

        if (!room.MoveMember(member, bridgeId, api))
        {
            // Left while the endpoint was made: nobody will use it.
            await DeleteQuietlyAsync(api, room.ConferenceId, member.Id, bridgeId).ConfigureAwait(false);
            return false;
        }

        Send(new ReofferMessage(reason));
        _hub.Metrics.CountEndpointMoved(member.Visitor ? "visitor" : "participant");
        return true;
    }

    private async Task DeleteQuietlyAsync(Uri api, string conference, string endpoint, string bridgeId)
    {
        try
        {
            await _hub.BridgeApi.DeleteEndpointAsync(api, conference, endpoint, CancellationToken.None).ConfigureAwait(false);
        }
        catch (BridgeApiException e)
        {
            LogBridgeCallFailed(_hub.Log, bridgeId, "delete endpoint", e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "member {MemberId} of room {Room} could not be moved off its lost bridge: {Reason}")]
    private static partial void LogMoveFailed(ILogger logger, string memberId, string room, string reason);
}
