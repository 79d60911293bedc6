using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Signaling.Assignment;
using Signaling.Nodes;
using Signaling.Protocol;

namespace Signaling.Clients;

/// <summary>
/// One client WebSocket: sends <c>welcome</c>, then reads frames under the frame limit and the rate limit, parses them,
/// checks the order rules and handles join, offer, media, leave and ping (docs/signaling-protocol.md, "Server integration").
/// Everything a client sends affects only its own connection; the worst it can do is get itself closed.
/// </summary>
internal sealed partial class ClientConnection
{
    /// <summary>Frames queued for a client that reads too slowly; beyond this it is dropped rather than let grow.</summary>
    private const int OutboundQueue = 256;

    private readonly WebSocket _socket;
    private readonly ClientHub _hub;
    private readonly ClientRateLimiter _limiter;
    private readonly ClientProtocolState _state = new();
    private readonly Channel<Outgoing> _outbound = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(OutboundQueue) { SingleReader = true });
    private Room? _room;
    private RoomMember? _member;
    private int _holdState; // live room: 0 not held, 1 held (waiting), 2 admitted or forgotten
    private object? _hold;
    private TaskCompletionSource? _held;

    /// <summary>Serves <paramref name="socket"/> with the node's shared state.</summary>
    public ClientConnection(WebSocket socket, ClientHub hub)
    {
        _socket = socket;
        _hub = hub;
        _limiter = new ClientRateLimiter(hub.RateLimit, hub.Time);
    }

    /// <summary>Queues <paramref name="message"/>; a client whose queue is full is too slow and gets aborted.</summary>
    public void Send(ServerMessage message) => SendFrame(ServerMessageWriter.Write(message));

    /// <summary>Queues an already written frame (one frame shared by many clients); a client whose queue is full is aborted.</summary>
    public void SendFrame(byte[] frame)
    {
        if (!_outbound.Writer.TryWrite(new Outgoing(frame, null)))
        {
            _outbound.Writer.TryComplete();
            _socket.Abort();
        }
    }

    /// <summary>
    /// Runs the connection until the client leaves, closes, is closed for a fatal error or <paramref name="cancel"/> fires.
    /// When <paramref name="stopping"/> fires (the node shuts down) the server closes with 1001, so the client reconnects at
    /// once and shutdown does not wait for it.
    /// </summary>
    public async Task RunAsync(CancellationToken cancel, CancellationToken stopping = default)
    {
        var sending = SendLoopAsync();
        using var receiving = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        // Close first (cancelling the pending receive would abort the socket without a close frame); a client that does
        // not answer the close within 2 s is aborted then.
        using var goingAway = stopping.Register(() =>
        {
            _outbound.Writer.TryWrite(new Outgoing(null, WebSocketCloseStatus.EndpointUnavailable));
            receiving.CancelAfter(TimeSpan.FromSeconds(2));
        });
        Send(new WelcomeMessage(typeof(ClientConnection).Assembly.GetName().Version?.ToString() ?? "0", _hub.NodeId, ClientHub.HeartbeatSeconds));
        try
        {
            await ReceiveLoopAsync(receiving.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client vanished, stayed silent for 3 heartbeats, or the host stops: clean up below.
        }
        finally
        {
            await LeaveRoomAsync().ConfigureAwait(false);
            _outbound.Writer.TryComplete();
            await sending.ConfigureAwait(false);
            await AwaitCloseReplyAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// After our close frame, reads (and discards) until the client's close reply, for at most 2 s (RFC 6455 §7.1.1: the
    /// server closes TCP after the handshake); closing with unread bytes would reset the connection and could destroy the
    /// error frame before the client reads it.
    /// </summary>
    private async Task AwaitCloseReplyAsync()
    {
        if (_socket.State != WebSocketState.CloseSent)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var scratch = new byte[4096];
        try
        {
            while ((await _socket.ReceiveAsync(scratch.AsMemory(), timeout.Token).ConfigureAwait(false)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // Gone or silent: the host closes TCP anyway.
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancel)
    {
        // One byte over the limit: reading it proves the frame too large without buffering any more of it.
        var buffer = new byte[_hub.Limits.MaxFrameBytes + 1];
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        while (true)
        {
            idle.CancelAfter(TimeSpan.FromSeconds(3 * ClientHub.HeartbeatSeconds));
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer.AsMemory(length), idle.Token).ConfigureAwait(false);
                length += result.Count;
            }
            while (!result.EndOfMessage && length < buffer.Length);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            var decision = _limiter.TryConsume();
            if (decision != RateDecision.Allowed)
            {
                if (decision == RateDecision.Close)
                {
                    Close(ClientRateLimiter.Refusal(decision)!, WebSocketCloseStatus.PolicyViolation);
                    return;
                }

                // A limited frame is dropped unread, but a partly read one must still be skipped to stay in sync.
                if (!result.EndOfMessage)
                {
                    Close(ProtocolError.FrameTooLarge(length, _hub.Limits.MaxFrameBytes).ToMessage(), WebSocketCloseStatus.MessageTooBig);
                    return;
                }

                Send(ClientRateLimiter.Refusal(decision)!);
                continue;
            }

            if (length > _hub.Limits.MaxFrameBytes)
            {
                Close(ProtocolError.FrameTooLarge(length, _hub.Limits.MaxFrameBytes).ToMessage(), WebSocketCloseStatus.MessageTooBig);
                return;
            }

            if (result.MessageType == WebSocketMessageType.Binary)
            {
                Send(new ProtocolError(ErrorCode.BadJson, "binary messages are not part of the protocol; send JSON text").ToMessage());
                continue;
            }

            if (!ClientMessageParser.TryParse(buffer.AsSpan(0, length), _hub.Limits, out var message, out var error) ||
                (error = _state.Admit(message)) is not null)
            {
                if (error.Fatal)
                {
                    Close(error.ToMessage(), error.Code == ErrorCode.UnsupportedVersion ? WebSocketCloseStatus.ProtocolError : WebSocketCloseStatus.PolicyViolation);
                    return;
                }

                Send(error.ToMessage());
                continue;
            }

            if (!await HandleAsync(message).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>Handles one admitted message; false when the connection is to end.</summary>
    private async Task<bool> HandleAsync(ClientMessage message)
    {
        switch (message)
        {
            case PingMessage ping:
                Send(new PongMessage(ping.Id));
                return true;
            case JoinMessage join:
                return await JoinAsync(join).ConfigureAwait(false);
            case OfferMessage offer:
                await OfferAsync(offer).ConfigureAwait(false);
                return true;
            case MediaMessage media:
                _room!.SetMedia(_member!, media.Audio, media.Video);
                return true;
            case RoomFeatureMessage feature:
                _hub.Features.Handle(_room!, _member!, feature);
                return true;
            default:
                // leave: the protocol closes with 1000 (normal closure) after it.
                await LeaveRoomAsync().ConfigureAwait(false);
                _outbound.Writer.TryWrite(new Outgoing(null, WebSocketCloseStatus.NormalClosure));
                return false;
        }
    }

    private async Task<bool> JoinAsync(JoinMessage join)
    {
        var started = _hub.Time.GetTimestamp();
        // Before the room is entered, so a refused joiner leaves no trace; visitor nodes check again what main checked.
        var access = await _hub.Tenants.CheckAsync(join.Room, join.Token).ConfigureAwait(false);
        if (access.Refusal is { } refusal)
        {
            LogTokenRefused(_hub.Log, join.Room, refusal);
            return Refuse(join, ErrorCode.Forbidden, refusal);
        }

        // The token's name, when it has one, is who the joiner is: a typed name cannot impersonate another user.
        join = access.Grant?.Name is { } tokenName ? join with { Name = tokenName } : join;

        // A promoted visitor's ticket is redeemed at main only, once; visitor nodes seat nobody.
        var promoted = join.Ticket is not null && !_hub.IsVisitorNode;
        if (promoted && !_hub.Features.Hands.Tickets.Redeem(join.Ticket!, join.Room, join.Name))
        {
            return Refuse(join, ErrorCode.Forbidden, "the promotion ticket is not valid (unknown, used, expired, or for another room or name)");
        }

        var room = _room = _hub.Rooms.Enter(join.Room);
        var id = _hub.NextParticipantId();
        var visitor = true;
        if (!_hub.IsVisitorNode)
        {
            if (promoted)
            {
                room.Admission.Promote(id);
            }

            var decision = room.Admission.Decide(new JoinRequest(id, join.Visitor && !promoted));
            switch (decision.Role)
            {
                case AdmissionRole.Participant:
                case AdmissionRole.Visitor:
                    break;
                default:
                    return decision.Reason == AdmissionReason.VisitorsDisabled
                        ? Refuse(join, ErrorCode.VisitorsDisabled, "this room admits no visitors")
                        : Refuse(join, ErrorCode.RoomFull, "the participant seats of this room are taken and it admits no visitors");
            }

            visitor = decision.Role == AdmissionRole.Visitor;
            if (visitor && _hub.Redirector is { Enabled: true } redirector && redirector.TryRedirect(out var node, out var url))
            {
                // Visitors are held by visitor nodes; with none alive main serves them itself rather than turn them away.
                _hub.Metrics.CountRedirect(node);
                _hub.Metrics.CountJoin("redirect");
                Send(new RedirectMessage(node, url, decision.ReasonCode));
                _outbound.Writer.TryWrite(new Outgoing(null, WebSocketCloseStatus.NormalClosure));
                return false;
            }
        }

        if (visitor)
        {
            // Live room not live yet: no endpoint; the receive loop goes on (pings, leave) until Go live admits this join.
            _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _holdState = 1;
            _hold = _hub.Features.Live.Hold(join.Room, () => AdmitHeldAsync(join, room, id, access));
            if (_hold is not null)
            {
                Send(new WaitingMessage("the meeting will start soon"));
                return true;
            }

            _holdState = 0;
            _held = null;
        }

        return await EnterAsync(join, room, id, visitor, access, started).ConfigureAwait(false);
    }

    /// <summary>Go live came: the held visitor joins now, unless it left first.</summary>
    private async Task AdmitHeldAsync(JoinMessage join, Room room, string id, Tenants.TenantCheck access)
    {
        if (Interlocked.CompareExchange(ref _holdState, 2, 1) != 1)
        {
            return;
        }

        try
        {
            await EnterAsync(join, room, id, visitor: true, access, _hub.Time.GetTimestamp()).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // The client sent leave while being admitted; LeaveRoomAsync (waiting for this) cleans up.
        }
        finally
        {
            _held!.TrySetResult();
        }
    }

    /// <summary>Places the joiner (bridge endpoint), adds it to the room and sends <c>joined</c>; false when the connection is to end.</summary>
    private async Task<bool> EnterAsync(JoinMessage join, Room room, string id, bool visitor, Tenants.TenantCheck access, long started)
    {
        string? bridgeId = null;
        try
        {
            Uri api;
            if (visitor)
            {
                (bridgeId, api) = await _hub.Visitors.PlaceAsync(room, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                bridgeId = _hub.Bridges.Selector.ChooseCore(join.Room).BridgeId;
                api = _hub.Bridges.ApiUrlOf(bridgeId) ?? throw new BridgeApiException(null, $"bridge {bridgeId} has no known control API");
            }

            // A participant's place on the stage is taken now, before its endpoint exists, so the bridge ranks its sources in
            // stage order even when another joiner's endpoint is created first.
            var order = visitor ? 0 : room.NextStageOrder();
            await _hub.BridgeApi.CreateEndpointAsync(api, room.ConferenceId, id, visitor ? "receiver" : "sender", visitor ? null : order, CancellationToken.None).ConfigureAwait(false);
            _member = new RoomMember(id, join.Name, this, bridgeId, api, visitor) { Moderator = access.Grant?.Moderator == true, Subject = access.Grant?.Subject, StageOrder = order };
        }
        catch (PlacementRefusedException e)
        {
            return Refuse(join, e.Code, e.Message);
        }
        catch (Exception e) when (e is AssignmentException or BridgeApiException)
        {
            if (e is BridgeApiException { Status: null } && bridgeId is not null)
            {
                // An unreachable bridge is no use to the next joiner either (BridgeSelector failure hold).
                _hub.Bridges.Selector.MarkFailed(bridgeId);
            }

            room.Admission.Leave(id);
            LogJoinFailed(_hub.Log, join.Room.ToString(), e.Message);
            _hub.Metrics.CountJoin("internal");
            var message = e is AssignmentException { Error: AssignmentError.NoBridge } ? "no media bridge is available; try again later" : $"could not set up the media endpoint: {e.Message}";
            // The connection is stuck in the joining phase, so the client retries on a new one: close with 1011.
            Close(new ErrorMessage(ErrorCode.Internal, message, join.Id, Fatal: true), WebSocketCloseStatus.InternalServerError);
            return false;
        }

        _state.MarkJoined();
        room.Add(_member, join.Id);
        _hub.Features.Joined(room, _member);
        if (visitor)
        {
            _hub.Metrics.CountJoin("visitor");
            _hub.Metrics.VisitorJoined();
            _hub.NodeSync?.CountArrival();
        }
        else
        {
            _hub.Metrics.CountJoin("participant");
            _hub.Metrics.ParticipantJoined();
        }

        _hub.Metrics.ObserveJoin(visitor ? "visitor" : "participant", _hub.Time.GetElapsedTime(started));
        return true;
    }

    private bool Refuse(JoinMessage join, ErrorCode code, string message)
    {
        _hub.Metrics.CountJoin(ErrorCodes.Name(code));
        Close(new ErrorMessage(code, message, join.Id, Fatal: true), WebSocketCloseStatus.PolicyViolation);
        return false;
    }

    private async Task OfferAsync(OfferMessage offer)
    {
        var member = _member!;
        try
        {
            var answer = await _hub.BridgeApi.OfferAsync(member.BridgeApi, _room!.ConferenceId, member.Id, offer.Sdp, CancellationToken.None).ConfigureAwait(false);
            Send(new AnswerMessage(offer.Id, answer));
        }
        catch (BridgeApiException e) when (e.Refused)
        {
            // The bridge's SDP parser refused the offer (400) or a description is already set (409): the client's fault.
            Send(ProtocolError.BadField("sdp", $"was refused by the bridge: {e.Message}", offer.Id).ToMessage());
        }
        catch (BridgeApiException e)
        {
            LogBridgeCallFailed(_hub.Log, member.BridgeId, "offer", e.Message);
            Send(new ProtocolError(ErrorCode.Internal, "the media bridge did not answer the offer; try again", null, offer.Id).ToMessage());
        }
    }

    /// <summary>Gives up the room, seat and bridge endpoint, and tells the others; safe to call twice. A visitor's bridge stays in the room's tree.</summary>
    private async Task LeaveRoomAsync()
    {
        if (Interlocked.CompareExchange(ref _holdState, 2, 1) == 1 && _room is { } heldRoom)
        {
            // Held for a live room and never admitted: simply dropped.
            _hub.Features.Live.Forget(heldRoom.Name, _hold!);
            _held!.TrySetResult();
        }

        if (_held is { } held)
        {
            await held.Task.ConfigureAwait(false);
        }

        var room = _room;
        var member = _member;
        _room = null;
        _member = null;
        if (room is null)
        {
            return;
        }

        if (member is not null && room.Remove(member))
        {
            _hub.Features.Left(room, member);
            if (member.Visitor)
            {
                _hub.Metrics.VisitorLeft();
            }
            else
            {
                room.Admission.Leave(member.Id);
                _hub.Metrics.ParticipantLeft();
            }

            try
            {
                await _hub.BridgeApi.DeleteEndpointAsync(member.BridgeApi, room.ConferenceId, member.Id, CancellationToken.None).ConfigureAwait(false);
            }
            catch (BridgeApiException e)
            {
                // The bridge expires the endpoint by itself once ICE consent stops (Bridge:ConsentTimeoutSeconds).
                LogBridgeCallFailed(_hub.Log, member.BridgeId, "delete endpoint", e.Message);
            }
        }

        _hub.Rooms.Exit(room);
    }

    private void Close(ErrorMessage error, WebSocketCloseStatus status)
    {
        Send(error);
        _outbound.Writer.TryWrite(new Outgoing(null, status));
    }

    private async Task SendLoopAsync()
    {
        try
        {
            await foreach (var item in _outbound.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                if (item.Close is { } status)
                {
                    await _socket.CloseOutputAsync(status, null, CancellationToken.None).ConfigureAwait(false);
                    return;
                }

                await _socket.SendAsync(item.Frame!, WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (WebSocketException)
        {
            // The client is gone; the receive loop ends too.
        }
        catch (ObjectDisposedException)
        {
            // Aborted as too slow.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "join of room {Room} failed: {Reason}")]
    private static partial void LogJoinFailed(ILogger logger, string room, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "join of room {Room} refused: {Reason}")]
    private static partial void LogTokenRefused(ILogger logger, RoomName room, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "bridge {BridgeId}: {Call} failed: {Reason}")]
    private static partial void LogBridgeCallFailed(ILogger logger, string bridgeId, string call, string reason);

    private readonly record struct Outgoing(byte[]? Frame, WebSocketCloseStatus? Close);
}
