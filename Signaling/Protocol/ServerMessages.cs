using Signaling.Assignment;
namespace Signaling.Protocol;

/// <summary>A server-to-client message; <see cref="ServerMessageWriter"/> writes it as one JSON text frame.</summary>
public abstract record ServerMessage;

/// <summary>The role a joined client holds in its room.</summary>
public enum ParticipantRole
{
    /// <summary><c>participant</c>: in the main room, may publish.</summary>
    Participant,

    /// <summary><c>visitor</c>: receive-only, served by a visitor node.</summary>
    Visitor,
}

/// <summary>A main-room participant as listed in <c>joined</c>.</summary>
public sealed record ParticipantInfo(string Id, string Name);

/// <summary>A participant on stage with its media state and moderator rights, as listed in <c>stage</c>.</summary>
public sealed record StageParticipant(string Id, string Name, bool Audio, bool Video, bool Moderator = false);

/// <summary><c>welcome</c>: first frame on every connection; tells the protocol version, the node and the heartbeat period.</summary>
/// <param name="ServerVersion">The signaling build (informational).</param>
/// <param name="Node">The id of the node holding this connection.</param>
/// <param name="HeartbeatSeconds">The client sends <c>ping</c> at least this often; the server closes after 3 silent periods.</param>
public sealed record WelcomeMessage(string ServerVersion, string Node, int HeartbeatSeconds) : ServerMessage;

/// <summary><c>joined</c>: the join succeeded with <paramref name="Role"/>.</summary>
/// <param name="Id">The join's request id, echoed.</param>
/// <param name="Role">Participant or visitor.</param>
/// <param name="Room">The room joined.</param>
/// <param name="You">This client's participant id.</param>
/// <param name="Participants">The main room's participants at this moment (the client included when it is one).</param>
/// <param name="VisitorCount">The number of visitors across all visitor nodes.</param>
public sealed record JoinedMessage(
    string? Id,
    ParticipantRole Role,
    RoomName Room,
    string You,
    IReadOnlyList<ParticipantInfo> Participants,
    int VisitorCount) : ServerMessage
{
    /// <summary>Whether this client holds moderator rights in the room (its token's claim, or first participant of an open tenant).</summary>
    public bool Moderator { get; init; }

    /// <summary>The display name the room knows this client by: the typed one, or its token's name (which replaces it).</summary>
    public string Name { get; init; } = "";
}

/// <summary><c>redirect</c>: join again at <paramref name="Url"/> (a visitor node); the server closes after sending it.</summary>
public sealed record RedirectMessage(string Node, Uri Url, string Reason) : ServerMessage;

/// <summary><c>answer</c>: the bridge's SDP answer to the client's <c>offer</c> with that request id.</summary>
public sealed record AnswerMessage(string? Id, string Sdp) : ServerMessage;

/// <summary><c>stage</c>: the complete, current list of participants on stage (replaces the previous one).</summary>
public sealed record StageMessage(IReadOnlyList<StageParticipant> Participants) : ServerMessage;

/// <summary><c>visitors</c>: the room's visitor count changed.</summary>
public sealed record VisitorsMessage(int Count) : ServerMessage;

/// <summary><c>reoffer</c>: the client's bridge endpoint is gone (bridge failed or moved); send a new <c>offer</c>.</summary>
public sealed record ReofferMessage(string Reason) : ServerMessage;

/// <summary><c>pong</c>: the answer to <c>ping</c>.</summary>
public sealed record PongMessage(string? Id) : ServerMessage;

/// <summary><c>error</c>: a request or frame was refused; when <paramref name="Fatal"/>, the server closes right after.</summary>
/// <param name="Code">The error code.</param>
/// <param name="Message">Human-readable English; clients match on the code only.</param>
/// <param name="InReplyTo">The refused request's id when known.</param>
/// <param name="Fatal">Whether the server closes the connection after this frame.</param>
/// <param name="Field">For <c>bad-field</c>: the offending field.</param>
public sealed record ErrorMessage(ErrorCode Code, string Message, string? InReplyTo, bool Fatal, string? Field = null) : ServerMessage;
