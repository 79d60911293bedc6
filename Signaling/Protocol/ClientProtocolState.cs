namespace Signaling.Protocol;

/// <summary>Where one connection stands in the protocol.</summary>
public enum SessionPhase
{
    /// <summary>Welcome sent; only <c>join</c> and <c>ping</c> are valid.</summary>
    AwaitingJoin,

    /// <summary>A <c>join</c> is being decided; a second join is <c>already-joined</c>, room requests are <c>not-joined</c>.</summary>
    Joining,

    /// <summary><c>joined</c> sent; <c>offer</c>, <c>media</c>, <c>leave</c> and <c>ping</c> are valid.</summary>
    Joined,

    /// <summary><c>leave</c> received; the server closes, everything but <c>ping</c> is <c>not-joined</c>.</summary>
    Left,
}

/// <summary>
/// The per-connection order rules: which parsed messages are valid in which phase. The server asks
/// <see cref="Admit"/> for every parsed message and reports its own join outcome with <see cref="MarkJoined"/>.
/// One instance per connection, used from its receive loop (not thread-safe).
/// </summary>
public sealed class ClientProtocolState
{
    /// <summary>The current phase.</summary>
    public SessionPhase Phase { get; private set; } = SessionPhase.AwaitingJoin;

    /// <summary>Null when <paramref name="message"/> is valid now (and advances the phase), else the error to reply (non-fatal).</summary>
    public ProtocolError? Admit(ClientMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (message)
        {
            case PingMessage:
                return null;
            case JoinMessage when Phase == SessionPhase.AwaitingJoin:
                Phase = SessionPhase.Joining;
                return null;
            case JoinMessage when Phase is SessionPhase.Joining or SessionPhase.Joined:
                return new ProtocolError(ErrorCode.AlreadyJoined, "this connection has already sent join", null, message.Id);
            case LeaveMessage when Phase is SessionPhase.Joining or SessionPhase.Joined:
                Phase = SessionPhase.Left;
                return null;
            case OfferMessage or MediaMessage or RoomFeatureMessage when Phase == SessionPhase.Joined:
                return null;
            default:
                return new ProtocolError(ErrorCode.NotJoined, "send join and wait for joined first", null, message.Id);
        }
    }

    /// <summary>The server accepted the pending join (it is about to send <c>joined</c>).</summary>
    public void MarkJoined()
    {
        if (Phase != SessionPhase.Joining)
        {
            throw new InvalidOperationException($"no join is pending (phase {Phase})");
        }

        Phase = SessionPhase.Joined;
    }
}
