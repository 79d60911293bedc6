using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Unicode;
using Signaling.Assignment;
using Signaling.Features.Polls;

namespace Signaling.Protocol;

/// <summary>
/// Parses one client WebSocket text frame into a validated <see cref="ClientMessage"/> or a typed
/// <see cref="ProtocolError"/>. Treats the frame as hostile: never throws for any input, refuses oversized frames
/// before looking at them, bounds JSON nesting, and reads the frame once (docs/signaling-protocol.md).
/// </summary>
public static class ClientMessageParser
{
    private enum Key
    {
        V,
        Type,
        Id,
        Room,
        Name,
        Token,
        Visitor,
        Sdp,
        Audio,
        Video,
        Text,
        To,
        Emoji,
        Enabled,
        User,
        Ticket,
        Question,
        Options,
        Poll,
        Option,
    }

    private static readonly (byte[] Utf8, Key Key, string Name)[] Keys =
    [
        ("v"u8.ToArray(), Key.V, "v"),
        ("type"u8.ToArray(), Key.Type, "type"),
        ("id"u8.ToArray(), Key.Id, "id"),
        ("room"u8.ToArray(), Key.Room, "room"),
        ("name"u8.ToArray(), Key.Name, "name"),
        ("token"u8.ToArray(), Key.Token, "token"),
        ("visitor"u8.ToArray(), Key.Visitor, "visitor"),
        ("sdp"u8.ToArray(), Key.Sdp, "sdp"),
        ("audio"u8.ToArray(), Key.Audio, "audio"),
        ("video"u8.ToArray(), Key.Video, "video"),
        ("text"u8.ToArray(), Key.Text, "text"),
        ("to"u8.ToArray(), Key.To, "to"),
        ("emoji"u8.ToArray(), Key.Emoji, "emoji"),
        ("enabled"u8.ToArray(), Key.Enabled, "enabled"),
        ("user"u8.ToArray(), Key.User, "user"),
        ("ticket"u8.ToArray(), Key.Ticket, "ticket"),
        ("question"u8.ToArray(), Key.Question, "question"),
        ("options"u8.ToArray(), Key.Options, "options"),
        ("poll"u8.ToArray(), Key.Poll, "poll"),
        ("option"u8.ToArray(), Key.Option, "option"),
    ];

    /// <summary>Most strings an array field holds (poll options); a longer array is an invalid field, read no further.</summary>
    private const int MaxArrayItems = 16;

    /// <summary>Parses <paramref name="utf8Frame"/> under <see cref="ProtocolLimits.Default"/>.</summary>
    public static bool TryParse(
        ReadOnlySpan<byte> utf8Frame,
        [NotNullWhen(true)] out ClientMessage? message,
        [NotNullWhen(false)] out ProtocolError? error) =>
        TryParse(utf8Frame, ProtocolLimits.Default, out message, out error);

    /// <summary>
    /// Parses <paramref name="utf8Frame"/> under <paramref name="limits"/>: true with a message, or false with the
    /// error to reply (checked in this order: frame size, UTF-8, JSON, <c>v</c>, <c>id</c>, <c>type</c>, then the
    /// type's own fields in documented order).
    /// </summary>
    public static bool TryParse(
        ReadOnlySpan<byte> utf8Frame,
        ProtocolLimits limits,
        [NotNullWhen(true)] out ClientMessage? message,
        [NotNullWhen(false)] out ProtocolError? error)
    {
        ArgumentNullException.ThrowIfNull(limits);
        message = null;
        if (utf8Frame.Length > limits.MaxFrameBytes)
        {
            error = ProtocolError.FrameTooLarge(utf8Frame.Length, limits.MaxFrameBytes);
            return false;
        }

        // RFC 8259 §8.1: JSON exchanged between systems is UTF-8; RFC 6455 §5.6 requires text frames to be UTF-8 too.
        if (!Utf8.IsValid(utf8Frame))
        {
            error = new ProtocolError(ErrorCode.BadJson, "frame is not valid UTF-8");
            return false;
        }

        var slots = new Slot[Keys.Length];
        try
        {
            if (!TryReadObject(utf8Frame, limits.MaxDepth, slots))
            {
                error = new ProtocolError(ErrorCode.BadJson, "frame must be a single JSON object");
                return false;
            }
        }
        catch (JsonException)
        {
            error = new ProtocolError(ErrorCode.BadJson, $"frame is not valid JSON or nests deeper than {limits.MaxDepth}");
            return false;
        }

        return new Builder(slots).TryBuild(out message, out error);
    }

    // One pass over the frame; the reader validates the whole document (structure, escapes, depth, trailing data)
    // and throws JsonException on any violation. Known fields are captured, unknown ones skipped unread.
    private static bool TryReadObject(ReadOnlySpan<byte> utf8Frame, int maxDepth, Slot[] slots)
    {
        var reader = new Utf8JsonReader(utf8Frame, new JsonReaderOptions { MaxDepth = maxDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = FindKey(ref reader);
            reader.Read();
            if (index < 0)
            {
                reader.Skip();
            }
            else
            {
                slots[index].Capture(ref reader);
            }
        }

        // Anything after the object (a second value, stray bytes) makes the reader throw.
        while (reader.Read())
        {
        }

        return true;
    }

    private static int FindKey(ref Utf8JsonReader reader)
    {
        for (var i = 0; i < Keys.Length; i++)
        {
            if (reader.ValueTextEquals(Keys[i].Utf8))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>What one known field held. Duplicates are recorded, not resolved: a repeated field is an error.</summary>
    private struct Slot
    {
        public bool Present;
        public bool Duplicate;
        public JsonTokenType Token;
        public string? Text;
        public int? Integer;
        public List<string>? Items;

        public void Capture(ref Utf8JsonReader reader)
        {
            Duplicate |= Present;
            Present = true;
            Token = reader.TokenType;
            Text = null;
            Integer = null;
            Items = null;
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    try
                    {
                        Text = reader.GetString();
                    }
                    catch (InvalidOperationException)
                    {
                        // An escape decoding to invalid UTF-16 (RFC 8259 §8.2); the field is then simply invalid.
                        Token = JsonTokenType.None;
                    }

                    break;
                case JsonTokenType.Number:
                    Integer = reader.TryGetInt32(out var value) ? value : null;
                    break;
                case JsonTokenType.StartArray:
                    Items = CaptureStrings(ref reader);
                    break;
                case JsonTokenType.StartObject:
                    reader.Skip();
                    break;
            }
        }

        // An array of at most MaxArrayItems strings (poll options); any other array leaves null, an invalid field.
        private static List<string>? CaptureStrings(ref Utf8JsonReader reader)
        {
            var items = new List<string>();
            var valid = true;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (valid && reader.TokenType == JsonTokenType.String && items.Count < MaxArrayItems)
                {
                    try
                    {
                        items.Add(reader.GetString()!);
                        continue;
                    }
                    catch (InvalidOperationException)
                    {
                        // An escape decoding to invalid UTF-16, as for a string field.
                    }
                }

                valid = false;
                reader.Skip();
            }

            return valid ? items : null;
        }
    }

    /// <summary>Turns captured fields into a message, or the first error in documented order.</summary>
    private readonly struct Builder(Slot[] slots)
    {
        private readonly string? id = IsCleanId(slots[(int)Key.Id]) ? slots[(int)Key.Id].Text : null;

        public bool TryBuild([NotNullWhen(true)] out ClientMessage? message, [NotNullWhen(false)] out ProtocolError? error)
        {
            message = null;
            ref readonly var v = ref slots[(int)Key.V];
            if (v.Duplicate)
            {
                error = ProtocolError.BadField("v", "appears more than once", id);
                return false;
            }

            if (v.Integer != ProtocolLimits.Version)
            {
                error = new ProtocolError(ErrorCode.UnsupportedVersion, $"'v' must be {ProtocolLimits.Version}", null, id);
                return false;
            }

            ref readonly var idSlot = ref slots[(int)Key.Id];
            if (idSlot.Duplicate || (id is null && idSlot.Present && idSlot.Token != JsonTokenType.Null))
            {
                error = ProtocolError.BadField(
                    "id",
                    idSlot.Duplicate ? "appears more than once" : $"must be a string of 1-{ProtocolLimits.MaxIdLength} characters without control characters",
                    null);
                return false;
            }

            if (!TryRequiredString(Key.Type, out var type, out error))
            {
                return false;
            }

            switch (type)
            {
                case "join":
                    return TryBuildJoin(out message, out error);
                case "offer":
                    if (!TryRequiredString(Key.Sdp, out var sdp, out error))
                    {
                        return false;
                    }

                    if (sdp.Length > ProtocolLimits.MaxSdpLength)
                    {
                        error = ProtocolError.BadField("sdp", $"exceeds {ProtocolLimits.MaxSdpLength} characters", id);
                        return false;
                    }

                    message = new OfferMessage(id, sdp);
                    return true;
                case "media":
                    if (!TryBool(Key.Audio, required: true, out var audio, out error) ||
                        !TryBool(Key.Video, required: true, out var video, out error))
                    {
                        return false;
                    }

                    message = new MediaMessage(id, audio, video);
                    return true;
                case "leave":
                    message = new LeaveMessage(id);
                    error = null;
                    return true;
                case "ping":
                    message = new PingMessage(id);
                    error = null;
                    return true;
                case "chat.send":
                    return TryBuildChat(out message, out error);
                case "reaction.send":
                    if (!TryRequiredString(Key.Emoji, out var emoji, out error))
                    {
                        return false;
                    }

                    if (!ReactionSet.IsAllowed(emoji))
                    {
                        error = ProtocolError.BadField("emoji", "must be one of " + string.Join(" ", ReactionSet.Emoji), id);
                        return false;
                    }

                    message = new ReactionSendMessage(id, emoji);
                    return true;
                case "mod.visitor-chat":
                    if (!TryBool(Key.Enabled, required: true, out var enabled, out error))
                    {
                        return false;
                    }

                    message = new ModVisitorChatMessage(id, enabled);
                    return true;
                case "hand.raise":
                    message = new HandRaiseMessage(id);
                    error = null;
                    return true;
                case "hand.lower":
                    message = new HandLowerMessage(id);
                    error = null;
                    return true;
                case "mod.approve" or "mod.deny":
                    if (!TryParticipantId(Key.User, out var user, out error))
                    {
                        return false;
                    }

                    message = new ModDecideMessage(id, user, type == "mod.approve");
                    return true;
                case "mod.go-live":
                    message = new ModGoLiveMessage(id);
                    error = null;
                    return true;
                case "poll.create":
                    return TryBuildPollCreate(out message, out error);
                case "poll.vote":
                    if (!TryPollId(out var votePoll, out error))
                    {
                        return false;
                    }

                    ref readonly var optionSlot = ref slots[(int)Key.Option];
                    if (optionSlot.Duplicate || optionSlot.Integer is not (>= 0 and < PollBook.MaxOptions))
                    {
                        error = ProtocolError.BadField("option", optionSlot.Duplicate ? "appears more than once" : $"must be an option index, an integer 0-{PollBook.MaxOptions - 1}", id);
                        return false;
                    }

                    message = new PollVoteMessage(id, votePoll, optionSlot.Integer.Value);
                    return true;
                case "poll.close":
                    if (!TryPollId(out var closePoll, out error))
                    {
                        return false;
                    }

                    message = new PollCloseMessage(id, closePoll);
                    return true;
                default:
                    // The type is quoted back only when short and clean, so that a reply never grows with the input.
                    error = new ProtocolError(
                        ErrorCode.UnknownType,
                        TextRules.IsClean(type, 32) ? $"unknown message type '{type}'" : "unknown message type",
                        null,
                        id);
                    return false;
            }
        }

        private bool TryBuildJoin([NotNullWhen(true)] out ClientMessage? message, [NotNullWhen(false)] out ProtocolError? error)
        {
            message = null;
            if (!TryRequiredString(Key.Room, out var roomText, out error))
            {
                return false;
            }

            if (!RoomName.TryParse(roomText, out var room, out _))
            {
                error = ProtocolError.BadField(
                    "room",
                    $"must be 'tenant/room', each part 1-{ProtocolLimits.MaxRoomPartLength} characters of [a-z0-9._-]",
                    id);
                return false;
            }

            if (!TryRequiredString(Key.Name, out var rawName, out error))
            {
                return false;
            }

            var name = rawName.Trim();
            if (!TextRules.IsClean(name, ProtocolLimits.MaxNameLength))
            {
                error = ProtocolError.BadField(
                    "name",
                    $"must be 1-{ProtocolLimits.MaxNameLength} characters after trimming, without control characters",
                    id);
                return false;
            }

            ref readonly var tokenSlot = ref slots[(int)Key.Token];
            string? token = null;
            if (tokenSlot.Duplicate)
            {
                error = ProtocolError.BadField("token", "appears more than once", id);
                return false;
            }

            if (tokenSlot.Present && tokenSlot.Token != JsonTokenType.Null)
            {
                token = tokenSlot.Token == JsonTokenType.String ? tokenSlot.Text : null;
                if (token is null || !TextRules.IsClean(token, ProtocolLimits.MaxTokenLength) || token.Length > ProtocolLimits.MaxTokenLength)
                {
                    error = ProtocolError.BadField(
                        "token",
                        $"must be a string of 1-{ProtocolLimits.MaxTokenLength} characters without control characters",
                        id);
                    return false;
                }
            }

            if (!TryBool(Key.Visitor, required: false, out var visitor, out error))
            {
                return false;
            }

            ref readonly var ticketSlot = ref slots[(int)Key.Ticket];
            if (ticketSlot.Duplicate || (ticketSlot.Present && ticketSlot.Token != JsonTokenType.Null &&
                !(ticketSlot.Token == JsonTokenType.String && PromotionTicketRules.IsWellFormed(ticketSlot.Text))))
            {
                error = ProtocolError.BadField(
                    "ticket",
                    ticketSlot.Duplicate ? "appears more than once" : $"must be 1-{PromotionTicketRules.MaxLength} characters of A-Z a-z 0-9 - _",
                    id);
                return false;
            }

            message = new JoinMessage(id, room, name, token, visitor) { Ticket = ticketSlot.Token == JsonTokenType.String ? ticketSlot.Text : null };
            return true;
        }

        private bool TryBuildChat([NotNullWhen(true)] out ClientMessage? message, [NotNullWhen(false)] out ProtocolError? error)
        {
            message = null;
            if (!TryRequiredString(Key.Text, out var rawText, out error))
            {
                return false;
            }

            var text = rawText.Trim();
            if (!TextRules.IsClean(text, ProtocolLimits.MaxChatLength, lineBreaks: true))
            {
                error = ProtocolError.BadField(
                    "text",
                    $"must be 1-{ProtocolLimits.MaxChatLength} characters after trimming, without control characters other than line feed and tab",
                    id);
                return false;
            }

            ref readonly var toSlot = ref slots[(int)Key.To];
            string? to = null;
            if (toSlot.Duplicate)
            {
                error = ProtocolError.BadField("to", "appears more than once", id);
                return false;
            }

            if (toSlot.Present && toSlot.Token != JsonTokenType.Null)
            {
                to = toSlot.Token == JsonTokenType.String ? toSlot.Text : null;
                if (to is null || to.Length > ProtocolLimits.MaxIdLength || !TextRules.IsClean(to, ProtocolLimits.MaxIdLength))
                {
                    error = ProtocolError.BadField("to", $"must be a participant id of 1-{ProtocolLimits.MaxIdLength} characters", id);
                    return false;
                }
            }

            message = new ChatSendMessage(id, text, to);
            return true;
        }

        private bool TryBuildPollCreate([NotNullWhen(true)] out ClientMessage? message, [NotNullWhen(false)] out ProtocolError? error)
        {
            message = null;
            if (!TryRequiredString(Key.Question, out var rawQuestion, out error))
            {
                return false;
            }

            var question = rawQuestion.Trim();
            if (!TextRules.IsClean(question, PollBook.MaxTextLength))
            {
                error = ProtocolError.BadField("question", $"must be 1-{PollBook.MaxTextLength} characters after trimming, without control characters", id);
                return false;
            }

            ref readonly var optionsSlot = ref slots[(int)Key.Options];
            var options = optionsSlot.Duplicate ? null : optionsSlot.Items?.Select(o => o.Trim()).ToList();
            if (options is null || options.Count is < PollBook.MinOptions or > PollBook.MaxOptions || !options.TrueForAll(o => TextRules.IsClean(o, PollBook.MaxTextLength)))
            {
                error = ProtocolError.BadField(
                    "options",
                    optionsSlot.Duplicate ? "appears more than once"
                        : $"must be an array of {PollBook.MinOptions}-{PollBook.MaxOptions} strings, each 1-{PollBook.MaxTextLength} characters after trimming, without control characters",
                    id);
                return false;
            }

            message = new PollCreateMessage(id, question, options);
            return true;
        }

        private bool TryPollId([NotNullWhen(true)] out string? poll, [NotNullWhen(false)] out ProtocolError? error)
        {
            if (!TryRequiredString(Key.Poll, out poll, out error))
            {
                return false;
            }

            if (!TextRules.IsClean(poll, ProtocolLimits.MaxIdLength) || poll.Length > ProtocolLimits.MaxIdLength)
            {
                error = ProtocolError.BadField("poll", $"must be a poll id of 1-{ProtocolLimits.MaxIdLength} characters", id);
                poll = null;
                return false;
            }

            return true;
        }

        private bool TryRequiredString(Key key, [NotNullWhen(true)] out string? text, [NotNullWhen(false)] out ProtocolError? error)
        {
            ref readonly var slot = ref slots[(int)key];
            text = slot.Token == JsonTokenType.String ? slot.Text : null;
            error = slot.Duplicate ? ProtocolError.BadField(Keys[(int)key].Name, "appears more than once", id)
                : !slot.Present ? ProtocolError.BadField(Keys[(int)key].Name, "is required", id)
                : text is null ? ProtocolError.BadField(Keys[(int)key].Name, "must be a string of valid Unicode", id)
                : null;
            return error is null;
        }

        // A required participant id: 1-64 characters without control characters.
        private bool TryParticipantId(Key key, [NotNullWhen(true)] out string? text, [NotNullWhen(false)] out ProtocolError? error)
        {
            if (!TryRequiredString(key, out text, out error))
            {
                return false;
            }

            if (text.Length > ProtocolLimits.MaxIdLength || !TextRules.IsClean(text, ProtocolLimits.MaxIdLength))
            {
                error = ProtocolError.BadField(Keys[(int)key].Name, $"must be a participant id of 1-{ProtocolLimits.MaxIdLength} characters", id);
                text = null;
                return false;
            }

            return true;
        }

        // Optional booleans accept absence and null as false.
        private bool TryBool(Key key, bool required, out bool value, [NotNullWhen(false)] out ProtocolError? error)
        {
            ref readonly var slot = ref slots[(int)key];
            value = slot.Token == JsonTokenType.True;
            var absent = !slot.Present || slot.Token == JsonTokenType.Null;
            error = slot.Duplicate ? ProtocolError.BadField(Keys[(int)key].Name, "appears more than once", id)
                : absent && required ? ProtocolError.BadField(Keys[(int)key].Name, "is required", id)
                : !absent && slot.Token is not (JsonTokenType.True or JsonTokenType.False) ? ProtocolError.BadField(Keys[(int)key].Name, "must be true or false", id)
                : null;
            return error is null;
        }

        private static bool IsCleanId(in Slot slot) =>
            !slot.Duplicate && slot.Token == JsonTokenType.String && slot.Text is { Length: <= ProtocolLimits.MaxIdLength } text &&
            TextRules.IsClean(text, ProtocolLimits.MaxIdLength);
    }
}
