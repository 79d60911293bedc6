namespace Signaling.Protocol;

/// <summary>A client request about a room feature (chat, reactions, moderation): valid only once joined.</summary>
public abstract record RoomFeatureMessage(string? Id) : ClientMessage(Id);

/// <summary><c>chat.send</c>: a chat message to the room, or privately to participant <paramref name="To"/>.</summary>
/// <param name="Id">Client request id, echoed in an <c>error</c>.</param>
/// <param name="Text">The message, trimmed, 1-2000 scalar values, no control characters but line feed and tab.</param>
/// <param name="To">A participant id for a private message, or null for everyone.</param>
public sealed record ChatSendMessage(string? Id, string Text, string? To) : RoomFeatureMessage(Id);

/// <summary><c>reaction.send</c>: one emoji of <see cref="ReactionSet.Emoji"/>.</summary>
public sealed record ReactionSendMessage(string? Id, string Emoji) : RoomFeatureMessage(Id);

/// <summary><c>mod.visitor-chat</c>: a moderator allows or forbids visitors to chat.</summary>
public sealed record ModVisitorChatMessage(string? Id, bool Enabled) : RoomFeatureMessage(Id);

/// <summary>The fixed set of reactions a client may send.</summary>
public static class ReactionSet
{
    /// <summary>Allowed emoji, exactly as written on the wire (❤️ with its variation selector U+FE0F).</summary>
    public static IReadOnlyList<string> Emoji { get; } = ["👍", "❤️", "😂", "👏", "🎉", "😮"];

    /// <summary>True when <paramref name="emoji"/> is one of <see cref="Emoji"/>.</summary>
    public static bool IsAllowed(string? emoji) => emoji is not null && Emoji.Contains(emoji, StringComparer.Ordinal);
}

/// <summary>Who wrote a chat message.</summary>
public sealed record ChatSender(string Id, string Name, ParticipantRole Role);

/// <summary><c>chat</c>: one chat message in the room's order (<paramref name="Seq"/>, decided by the main node).</summary>
/// <param name="Seq">Position in the room's chat; increasing, not necessarily contiguous (private messages take numbers too).</param>
/// <param name="From">The author.</param>
/// <param name="Text">The message.</param>
/// <param name="Ts">When main ordered it, Unix milliseconds.</param>
/// <param name="Private">True for a private message between two participants (only they get it).</param>
public sealed record ChatMessage(long Seq, ChatSender From, string Text, long Ts, bool Private) : ServerMessage;

/// <summary><c>chat.history</c>: the room's recent public messages, oldest first; sent right after <c>joined</c>.</summary>
public sealed record ChatHistoryMessage(IReadOnlyList<ChatMessage> Messages) : ServerMessage;

/// <summary><c>chat.settings</c>: whether visitors may chat, and whether this client may change that (a moderator).</summary>
public sealed record ChatSettingsMessage(bool VisitorChat, bool Moderator) : ServerMessage;

/// <summary><c>reactions</c>: reactions of the whole room during the last <paramref name="IntervalMs"/>, by emoji.</summary>
public sealed record ReactionsMessage(IReadOnlyDictionary<string, int> Counts, int IntervalMs) : ServerMessage;
