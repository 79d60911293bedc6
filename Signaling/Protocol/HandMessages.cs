namespace Signaling.Protocol;

/// <summary><c>hand.raise</c>: a visitor asks to be promoted to participant.</summary>
public sealed record HandRaiseMessage(string? Id) : RoomFeatureMessage(Id);

/// <summary><c>hand.lower</c>: a visitor withdraws its raised hand.</summary>
public sealed record HandLowerMessage(string? Id) : RoomFeatureMessage(Id);

/// <summary><c>mod.approve</c> / <c>mod.deny</c>: a moderator decides on <paramref name="User"/>'s raised hand.</summary>
/// <param name="Id">Client request id, echoed in a refusal.</param>
/// <param name="User">The visitor's participant id (from <c>hands</c>).</param>
/// <param name="Approve">True for <c>mod.approve</c>, false for <c>mod.deny</c>.</param>
public sealed record ModDecideMessage(string? Id, string User, bool Approve) : RoomFeatureMessage(Id);

/// <summary><c>mod.go-live</c>: a moderator opens a live room to the visitors waiting for it.</summary>
public sealed record ModGoLiveMessage(string? Id) : RoomFeatureMessage(Id);

/// <summary>A server message of raised hands and the live room, written by <see cref="HandMessageWriter"/>.</summary>
public abstract record HandServerMessage : ServerMessage;

/// <summary>One raised hand as moderators see it.</summary>
public sealed record HandEntry(string Id, string Name, string Node);

/// <summary><c>hands</c>: the room's raised hands in raising order at <paramref name="Version"/> (moderators only; the highest version wins).</summary>
public sealed record HandsMessage(long Version, IReadOnlyList<HandEntry> Hands) : HandServerMessage;

/// <summary><c>hand.denied</c>: a moderator denied this visitor's raised hand.</summary>
public sealed record HandDeniedMessage : HandServerMessage;

/// <summary><c>promoted</c>: join <paramref name="Url"/> again with <paramref name="Ticket"/> and the same name to become a participant.</summary>
public sealed record PromotedMessage(Uri Url, string Ticket) : HandServerMessage;

/// <summary><c>waiting</c>: the join is held until a moderator goes live; <c>joined</c> follows then.</summary>
public sealed record WaitingMessage(string Reason) : HandServerMessage;

/// <summary><c>live</c>: whether the room is live (sent to everyone on Go live; to a live room's moderators at join while not live).</summary>
public sealed record LiveMessage(bool Live) : HandServerMessage;

/// <summary>The wire form of <see cref="HandServerMessage"/>s (after <c>v</c>; <see cref="ServerMessageWriter"/> delegates here).</summary>
internal static class HandMessageWriter
{
    /// <summary>Writes <c>type</c> and the fields of <paramref name="message"/>.</summary>
    public static void Write(System.Text.Json.Utf8JsonWriter json, HandServerMessage message)
    {
        switch (message)
        {
            case HandsMessage hands:
                json.WriteString("type"u8, "hands"u8);
                json.WriteNumber("version"u8, hands.Version);
                json.WriteStartArray("hands"u8);
                foreach (var h in hands.Hands)
                {
                    json.WriteStartObject();
                    json.WriteString("id"u8, h.Id);
                    json.WriteString("name"u8, h.Name);
                    json.WriteString("node"u8, h.Node);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                break;
            case HandDeniedMessage:
                json.WriteString("type"u8, "hand.denied"u8);
                break;
            case PromotedMessage promoted:
                json.WriteString("type"u8, "promoted"u8);
                json.WriteString("url"u8, promoted.Url.AbsoluteUri);
                json.WriteString("ticket"u8, promoted.Ticket);
                break;
            case WaitingMessage waiting:
                json.WriteString("type"u8, "waiting"u8);
                json.WriteString("reason"u8, waiting.Reason);
                break;
            case LiveMessage live:
                json.WriteString("type"u8, "live"u8);
                json.WriteBoolean("live"u8, live.Live);
                break;
            default:
                throw new ArgumentException($"no wire form for {message.GetType().Name}", nameof(message));
        }
    }
}

/// <summary>The form of a promotion ticket on the wire (<c>join.ticket</c>).</summary>
public static class PromotionTicketRules
{
    /// <summary>Longest ticket accepted, in characters.</summary>
    public const int MaxLength = 128;

    /// <summary>True for 1-<see cref="MaxLength"/> characters of the base64url alphabet.</summary>
    public static bool IsWellFormed(string? ticket) =>
        ticket is { Length: >= 1 and <= MaxLength } && ticket.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
