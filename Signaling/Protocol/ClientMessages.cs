using Signaling.Assignment;
namespace Signaling.Protocol;

/// <summary>A validated client-to-server message; <see cref="Id"/> is the client's optional request id, echoed in replies.</summary>
public abstract record ClientMessage(string? Id);

/// <summary><c>join</c>: enter <paramref name="Room"/> as <paramref name="Name"/>, optionally with a token and asking to be a visitor.</summary>
/// <param name="Id">Client request id, echoed in <c>joined</c> or <c>error</c>.</param>
/// <param name="Room">The room, <c>tenant/room</c>.</param>
/// <param name="Name">The display name, trimmed, 1-64 scalar values, no control characters.</param>
/// <param name="Token">The tenant's access token, or null.</param>
/// <param name="Visitor">True when the client asks to join as a visitor even if a participant seat is free.</param>
public sealed record JoinMessage(string? Id, RoomName Room, string Name, string? Token, bool Visitor) : ClientMessage(Id)
{
    /// <summary>A promotion ticket from <c>promoted</c>: main seats the promoted visitor as participant with it (one use).</summary>
    public string? Ticket { get; init; }
}

/// <summary><c>offer</c>: the browser's SDP offer for its bridge endpoint (first offer, or a new one after <c>reoffer</c>).</summary>
public sealed record OfferMessage(string? Id, string Sdp) : ClientMessage(Id);

/// <summary><c>media</c>: the client's own microphone and camera state, shown to others in <c>stage</c>.</summary>
public sealed record MediaMessage(string? Id, bool Audio, bool Video) : ClientMessage(Id);

/// <summary><c>leave</c>: the client leaves the room; the server closes the connection normally.</summary>
public sealed record LeaveMessage(string? Id) : ClientMessage(Id);

/// <summary><c>ping</c>: keeps the connection alive; answered by <c>pong</c> with the same id.</summary>
public sealed record PingMessage(string? Id) : ClientMessage(Id);
