using System.Text;
using Signaling.Protocol;

namespace Bridge.Tests.Signaling.Features;

/// <summary>The strict parsing of <c>chat.send</c>, <c>reaction.send</c> and <c>mod.visitor-chat</c>, hostile input included.</summary>
public class FeatureMessageParserTests
{
    private static (ClientMessage? Message, ProtocolError? Error) Parse(string json)
    {
        var ok = ClientMessageParser.TryParse(Encoding.UTF8.GetBytes(json), out var message, out var error);
        Assert.Equal(ok, message is not null);
        return (message, error);
    }

    private static ProtocolError Refuse(string json, string field)
    {
        var (message, error) = Parse(json);
        Assert.Null(message);
        Assert.Equal(ErrorCode.BadField, error!.Code);
        Assert.Equal(field, error.Field);
        Assert.False(error.Fatal);
        return error;
    }

    [Fact]
    public void Valid_feature_messages_parse_with_trimmed_text_and_their_fields()
    {
        var chat = Assert.IsType<ChatSendMessage>(Parse("""{"v":1,"type":"chat.send","id":"c1","text":"  hello\nworld\t!  ","to":null}""").Message);
        Assert.Equal(("c1", "hello\nworld\t!", (string?)null), (chat.Id, chat.Text, chat.To));
        var dm = Assert.IsType<ChatSendMessage>(Parse("""{"v":1,"type":"chat.send","text":"hi","to":"p-2"}""").Message);
        Assert.Equal("p-2", dm.To);
        Assert.Equal("❤️", Assert.IsType<ReactionSendMessage>(Parse("""{"v":1,"type":"reaction.send","emoji":"\u2764\uFE0F"}""").Message).Emoji);
        Assert.False(Assert.IsType<ModVisitorChatMessage>(Parse("""{"v":1,"type":"mod.visitor-chat","enabled":false}""").Message).Enabled);
        Assert.Equal(2000, Assert.IsType<ChatSendMessage>(Parse($$"""{"v":1,"type":"chat.send","text":"{{string.Concat(Enumerable.Repeat("🎉", 2000))}}"}""").Message).Text.Length / 2);
    }

    [Theory]
    [InlineData("""{"v":1,"type":"chat.send"}""", "text")]
    [InlineData("""{"v":1,"type":"chat.send","text":null}""", "text")]
    [InlineData("""{"v":1,"type":"chat.send","text":""}""", "text")]
    [InlineData("""{"v":1,"type":"chat.send","text":"   \n\t "}""", "text")]
    [InlineData("""{"v":1,"type":"chat.send","text":42}""", "text")]
    [InlineData("""{"v":1,"type":"chat.send","text":["hi"]}""", "text")]
    [InlineData("""{"v":1,"type":"chat.send","text":{"a":"hi"}}""", "text")]
    [InlineData("""{"v":1,"type":"chat.send","text":"bell\u0007"}""", "text")]
    [InlineData("""{"v":1,"type":"chat.send","text":"esc\u001b[2J"}""", "text")]
    [InlineData("""{"v":1,"type":"chat.send","text":"c1\u0085x"}""", "text")]
    [InlineData("""{"v":1,"type":"chat.send","text":"half \uD83D"}""", "text")]
    [InlineData("""{"v":1,"type":"chat.send","text":"a","text":"b"}""", "text")]
    [InlineData("""{"v":1,"type":"chat.send","text":"a","to":7}""", "to")]
    [InlineData("""{"v":1,"type":"chat.send","text":"a","to":""}""", "to")]
    [InlineData("""{"v":1,"type":"chat.send","text":"a","to":"p-1\n"}""", "to")]
    [InlineData("""{"v":1,"type":"chat.send","text":"a","to":"p-1","to":"p-2"}""", "to")]
    [InlineData("""{"v":1,"type":"reaction.send"}""", "emoji")]
    [InlineData("""{"v":1,"type":"reaction.send","emoji":"💩"}""", "emoji")]
    [InlineData("""{"v":1,"type":"reaction.send","emoji":"👍👍"}""", "emoji")]
    [InlineData("""{"v":1,"type":"reaction.send","emoji":"👍 "}""", "emoji")]
    [InlineData("""{"v":1,"type":"reaction.send","emoji":1}""", "emoji")]
    [InlineData("""{"v":1,"type":"reaction.send","emoji":"👍","emoji":"👍"}""", "emoji")]
    [InlineData("""{"v":1,"type":"mod.visitor-chat"}""", "enabled")]
    [InlineData("""{"v":1,"type":"mod.visitor-chat","enabled":"false"}""", "enabled")]
    [InlineData("""{"v":1,"type":"mod.visitor-chat","enabled":0}""", "enabled")]
    [InlineData("""{"v":1,"type":"mod.visitor-chat","enabled":true,"enabled":false}""", "enabled")]
    public void Malformed_feature_fields_are_bad_field_naming_the_field(string json, string field)
    {
        Refuse(json, field);
    }

    [Fact]
    public void Text_over_2000_characters_is_refused_and_the_reply_does_not_quote_it()
    {
        var error = Refuse($$"""{"v":1,"type":"chat.send","id":"c9","text":"{{new string('x', 2001)}}"}""", "text");
        Assert.Equal("c9", error.InReplyTo);
        Assert.True(error.Message.Length < 200, error.Message);
        var longTo = Refuse($$"""{"v":1,"type":"chat.send","text":"a","to":"{{new string('p', 65)}}"}""", "to");
        Assert.True(longTo.Message.Length < 200, longTo.Message);
    }

    [Fact]
    public void Every_truncation_and_bit_flip_of_a_chat_send_gives_a_message_or_a_typed_error()
    {
        var frame = Encoding.UTF8.GetBytes("""{"v":1,"type":"chat.send","id":"c","text":"Grüße 🎉\nall","to":"p-2"}""");
        for (var length = 0; length < frame.Length; length++)
        {
            Assert.False(ClientMessageParser.TryParse(frame.AsSpan(0, length), out _, out var error));
            Assert.Equal(ErrorCode.BadJson, error.Code);
        }

        for (var bit = 0; bit < frame.Length * 8; bit++)
        {
            frame[bit / 8] ^= (byte)(1 << (bit % 8));
            var ok = ClientMessageParser.TryParse(frame, out var message, out var error);
            Assert.True(ok ? message is not null : error is not null);
            frame[bit / 8] ^= (byte)(1 << (bit % 8));
        }
    }

    [Fact]
    public void Feature_messages_before_joined_are_not_joined_and_after_it_are_admitted()
    {
        var state = new ClientProtocolState();
        var chat = new ChatSendMessage("c", "hi", null);
        Assert.Equal(ErrorCode.NotJoined, state.Admit(chat)?.Code);
        Assert.Null(state.Admit(new JoinMessage("j", global::Signaling.Assignment.RoomName.Parse("acme/r"), "Ann", null, false)));
        Assert.Equal(ErrorCode.NotJoined, state.Admit(new ReactionSendMessage(null, "👍"))?.Code);
        state.MarkJoined();
        Assert.Null(state.Admit(chat));
        Assert.Null(state.Admit(new ModVisitorChatMessage(null, true)));
    }

    [Fact]
    public void The_writer_writes_chat_history_settings_and_reactions()
    {
        var chat = new ChatMessage(7, new ChatSender("v1-3", "Zoë", ParticipantRole.Visitor), "hi <b>", 1_700_000_000_000, false);
        Assert.Equal(
            """{"v":1,"type":"chat","seq":7,"from":{"id":"v1-3","name":"Zo\u00EB","role":"visitor"},"text":"hi \u003Cb\u003E","ts":1700000000000,"private":false}""",
            Encoding.UTF8.GetString(ServerMessageWriter.Write(chat)));
        Assert.Equal(
            """{"v":1,"type":"chat.history","messages":[{"seq":7,"from":{"id":"v1-3","name":"Zo\u00EB","role":"visitor"},"text":"hi \u003Cb\u003E","ts":1700000000000,"private":false}]}""",
            Encoding.UTF8.GetString(ServerMessageWriter.Write(new ChatHistoryMessage([chat]))));
        Assert.Equal("""{"v":1,"type":"chat.settings","visitorChat":false,"moderator":true}""", Encoding.UTF8.GetString(ServerMessageWriter.Write(new ChatSettingsMessage(false, true))));
        var reactions = System.Text.Json.JsonDocument.Parse(ServerMessageWriter.Write(new ReactionsMessage(new Dictionary<string, int> { ["👍"] = 3 }, 1000))).RootElement;
        Assert.Equal(3, reactions.GetProperty("counts").GetProperty("👍").GetInt32());
        Assert.Equal(1000, reactions.GetProperty("intervalMs").GetInt32());
    }
}
