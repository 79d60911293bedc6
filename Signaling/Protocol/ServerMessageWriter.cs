using System.Buffers;
using System.Text.Json;

namespace Signaling.Protocol;

/// <summary>Writes <see cref="ServerMessage"/>s as compact UTF-8 JSON text frames, <c>v</c> and <c>type</c> first, absent values as <c>null</c>.</summary>
public static class ServerMessageWriter
{
    /// <summary>The frame for <paramref name="message"/> as a new array.</summary>
    public static byte[] Write(ServerMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(message, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Appends the frame for <paramref name="message"/> to <paramref name="output"/>.</summary>
    public static void Write(ServerMessage message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(output);
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteNumber("v"u8, ProtocolLimits.Version);
        switch (message)
        {
            case WelcomeMessage welcome:
                json.WriteString("type"u8, "welcome"u8);
                json.WriteString("serverVersion"u8, welcome.ServerVersion);
                json.WriteString("node"u8, welcome.Node);
                json.WriteNumber("heartbeatSeconds"u8, welcome.HeartbeatSeconds);
                break;
            case JoinedMessage joined:
                json.WriteString("type"u8, "joined"u8);
                json.WriteString("id"u8, joined.Id);
                json.WriteString("role"u8, joined.Role == ParticipantRole.Visitor ? "visitor"u8 : "participant"u8);
                json.WriteString("room"u8, joined.Room.ToString());
                json.WriteString("you"u8, joined.You);
                json.WriteString("name"u8, joined.Name);
                json.WriteStartArray("participants"u8);
                foreach (var participant in joined.Participants)
                {
                    json.WriteStartObject();
                    json.WriteString("id"u8, participant.Id);
                    json.WriteString("name"u8, participant.Name);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteNumber("visitorCount"u8, joined.VisitorCount);
                json.WriteBoolean("moderator"u8, joined.Moderator);
                break;
            case RedirectMessage redirect:
                json.WriteString("type"u8, "redirect"u8);
                json.WriteString("node"u8, redirect.Node);
                json.WriteString("url"u8, redirect.Url.AbsoluteUri);
                json.WriteString("reason"u8, redirect.Reason);
                break;
            case AnswerMessage answer:
                json.WriteString("type"u8, "answer"u8);
                json.WriteString("id"u8, answer.Id);
                json.WriteString("sdp"u8, answer.Sdp);
                break;
            case StageMessage stage:
                json.WriteString("type"u8, "stage"u8);
                json.WriteStartArray("participants"u8);
                foreach (var participant in stage.Participants)
                {
                    json.WriteStartObject();
                    json.WriteString("id"u8, participant.Id);
                    json.WriteString("name"u8, participant.Name);
                    json.WriteBoolean("audio"u8, participant.Audio);
                    json.WriteBoolean("video"u8, participant.Video);
                    json.WriteBoolean("moderator"u8, participant.Moderator);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                break;
            case VisitorsMessage visitors:
                json.WriteString("type"u8, "visitors"u8);
                json.WriteNumber("count"u8, visitors.Count);
                break;
            case ReofferMessage reoffer:
                json.WriteString("type"u8, "reoffer"u8);
                json.WriteString("reason"u8, reoffer.Reason);
                break;
            case PongMessage pong:
                json.WriteString("type"u8, "pong"u8);
                json.WriteString("id"u8, pong.Id);
                break;
            case ErrorMessage error:
                json.WriteString("type"u8, "error"u8);
                json.WriteString("code"u8, ErrorCodes.Name(error.Code));
                json.WriteString("message"u8, error.Message);
                json.WriteString("inReplyTo"u8, error.InReplyTo);
                json.WriteString("field"u8, error.Field);
                json.WriteBoolean("fatal"u8, error.Fatal);
                break;
            case ChatMessage chat:
                json.WriteString("type"u8, "chat"u8);
                WriteChat(json, chat);
                break;
            case ChatHistoryMessage history:
                json.WriteString("type"u8, "chat.history"u8);
                json.WriteStartArray("messages"u8);
                foreach (var chat in history.Messages)
                {
                    json.WriteStartObject();
                    WriteChat(json, chat);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                break;
            case ChatSettingsMessage settings:
                json.WriteString("type"u8, "chat.settings"u8);
                json.WriteBoolean("visitorChat"u8, settings.VisitorChat);
                json.WriteBoolean("moderator"u8, settings.Moderator);
                break;
            case ReactionsMessage reactions:
                json.WriteString("type"u8, "reactions"u8);
                json.WriteStartObject("counts"u8);
                foreach (var (emoji, count) in reactions.Counts)
                {
                    json.WriteNumber(emoji, count);
                }

                json.WriteEndObject();
                json.WriteNumber("intervalMs"u8, reactions.IntervalMs);
                break;
            case HandServerMessage hand:
                HandMessageWriter.Write(json, hand);
                break;
            case PollsMessage polls:
                json.WriteString("type"u8, "polls"u8);
                WritePolls(json, polls);
                break;
            default:
                throw new ArgumentException($"no wire form for {message.GetType().Name}", nameof(message));
        }

        json.WriteEndObject();
    }

    private static void WriteChat(Utf8JsonWriter json, ChatMessage chat)
    {
        json.WriteNumber("seq"u8, chat.Seq);
        json.WriteStartObject("from"u8);
        json.WriteString("id"u8, chat.From.Id);
        json.WriteString("name"u8, chat.From.Name);
        json.WriteString("role"u8, chat.From.Role == ParticipantRole.Visitor ? "visitor"u8 : "participant"u8);
        json.WriteEndObject();
        json.WriteString("text"u8, chat.Text);
        json.WriteNumber("ts"u8, chat.Ts);
        json.WriteBoolean("private"u8, chat.Private);
    }

    private static void WritePolls(Utf8JsonWriter json, PollsMessage polls)
    {
        json.WriteNumber("epoch"u8, polls.Epoch);
        json.WriteNumber("version"u8, polls.Version);
        json.WriteStartArray("polls"u8);
        foreach (var poll in polls.Polls)
        {
            json.WriteStartObject();
            json.WriteString("id"u8, poll.Id);
            json.WriteString("question"u8, poll.Question);
            json.WriteStartArray("options"u8);
            foreach (var option in poll.Options)
            {
                json.WriteStringValue(option);
            }

            json.WriteEndArray();
            json.WriteStartArray("tallies"u8);
            foreach (var tally in poll.Tallies)
            {
                json.WriteNumberValue(tally);
            }

            json.WriteEndArray();
            json.WriteBoolean("closed"u8, poll.Closed);
            json.WriteString("createdBy"u8, poll.CreatedBy);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
