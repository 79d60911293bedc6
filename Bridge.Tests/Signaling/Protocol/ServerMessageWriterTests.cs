using System.Buffers;
using System.Text;
using System.Text.Json;
using Signaling.Protocol;
using Signaling.Assignment;

namespace Bridge.Tests.Signaling.Protocol;

public class ServerMessageWriterTests
{
    private static readonly RoomName Room = RoomName.Parse("acme/town-hall");

    // The test reader: a plain JSON parse of the frame, checking the envelope every server message carries.
    private static JsonElement Read(ServerMessage message, string type)
    {
        var frame = ServerMessageWriter.Write(message);
        Assert.True(System.Text.Unicode.Utf8.IsValid(frame));
        var root = JsonDocument.Parse(frame).RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.Equal(1, root.GetProperty("v").GetInt32());
        Assert.Equal(type, root.GetProperty("type").GetString());
        return root;
    }

    [Fact]
    public void Welcome()
    {
        var root = Read(new WelcomeMessage("0.3.1", "main-1", 15), "welcome");

        Assert.Equal("0.3.1", root.GetProperty("serverVersion").GetString());
        Assert.Equal("main-1", root.GetProperty("node").GetString());
        Assert.Equal(15, root.GetProperty("heartbeatSeconds").GetInt32());
    }

    [Fact]
    public void Joined_as_participant_and_as_visitor()
    {
        var root = Read(new JoinedMessage("j1", ParticipantRole.Participant, Room, "p-2", [new("p-1", "Ann \"A\" <b>"), new("p-2", "Zoë 🎉")], 1234) { Moderator = true, Name = "Zoë 🎉" }, "joined");

        Assert.Equal("j1", root.GetProperty("id").GetString());
        Assert.Equal("participant", root.GetProperty("role").GetString());
        Assert.Equal("acme/town-hall", root.GetProperty("room").GetString());
        Assert.Equal("p-2", root.GetProperty("you").GetString());
        Assert.Equal("Zoë 🎉", root.GetProperty("name").GetString());
        var participants = root.GetProperty("participants").EnumerateArray().ToArray();
        Assert.Equal(2, participants.Length);
        Assert.Equal("p-1", participants[0].GetProperty("id").GetString());
        Assert.Equal("Ann \"A\" <b>", participants[0].GetProperty("name").GetString());
        Assert.Equal("Zoë 🎉", participants[1].GetProperty("name").GetString());
        Assert.Equal(1234, root.GetProperty("visitorCount").GetInt32());
        Assert.True(root.GetProperty("moderator").GetBoolean());

        var visitor = Read(new JoinedMessage(null, ParticipantRole.Visitor, Room, "v-9", [], 0), "joined");
        Assert.Equal("visitor", visitor.GetProperty("role").GetString());
        Assert.False(visitor.GetProperty("moderator").GetBoolean());
        Assert.Equal(JsonValueKind.Null, visitor.GetProperty("id").ValueKind);
        Assert.Empty(visitor.GetProperty("participants").EnumerateArray());
    }

    [Fact]
    public void Redirect()
    {
        var root = Read(new RedirectMessage("visitor-3", new Uri("wss://v3.example.org/ws?room=acme%2Ftown-hall"), "participant seats full"), "redirect");

        Assert.Equal("visitor-3", root.GetProperty("node").GetString());
        Assert.Equal("wss://v3.example.org/ws?room=acme%2Ftown-hall", root.GetProperty("url").GetString());
        Assert.Equal("participant seats full", root.GetProperty("reason").GetString());
    }

    [Fact]
    public void Answer_keeps_sdp_line_breaks()
    {
        var sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=ice-lite\r\n";
        var root = Read(new AnswerMessage("o1", sdp), "answer");

        Assert.Equal("o1", root.GetProperty("id").GetString());
        Assert.Equal(sdp, root.GetProperty("sdp").GetString());
    }

    [Fact]
    public void Stage()
    {
        var root = Read(new StageMessage([new("p-1", "Ann", true, false, Moderator: true), new("p-2", "Bo", false, true)]), "stage");

        var on = root.GetProperty("participants").EnumerateArray().ToArray();
        Assert.Equal(2, on.Length);
        Assert.Equal("p-1", on[0].GetProperty("id").GetString());
        Assert.Equal("Ann", on[0].GetProperty("name").GetString());
        Assert.True(on[0].GetProperty("audio").GetBoolean());
        Assert.False(on[0].GetProperty("video").GetBoolean());
        Assert.False(on[1].GetProperty("audio").GetBoolean());
        Assert.True(on[1].GetProperty("video").GetBoolean());
        Assert.True(on[0].GetProperty("moderator").GetBoolean());
        Assert.False(on[1].GetProperty("moderator").GetBoolean());
    }

    [Fact]
    public void Visitors_reoffer_and_pong()
    {
        Assert.Equal(10_250, Read(new VisitorsMessage(10_250), "visitors").GetProperty("count").GetInt32());
        Assert.Equal("bridge b-2 failed", Read(new ReofferMessage("bridge b-2 failed"), "reoffer").GetProperty("reason").GetString());
        Assert.Equal("p7", Read(new PongMessage("p7"), "pong").GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, Read(new PongMessage(null), "pong").GetProperty("id").ValueKind);
    }

    [Theory]
    [InlineData(ErrorCode.BadJson, "bad-json")]
    [InlineData(ErrorCode.UnknownType, "unknown-type")]
    [InlineData(ErrorCode.UnsupportedVersion, "unsupported-version")]
    [InlineData(ErrorCode.BadField, "bad-field")]
    [InlineData(ErrorCode.FrameTooLarge, "frame-too-large")]
    [InlineData(ErrorCode.RateLimited, "rate-limited")]
    [InlineData(ErrorCode.NotJoined, "not-joined")]
    [InlineData(ErrorCode.AlreadyJoined, "already-joined")]
    [InlineData(ErrorCode.RoomFull, "room-full")]
    [InlineData(ErrorCode.VisitorsDisabled, "visitors-disabled")]
    [InlineData(ErrorCode.Forbidden, "forbidden")]
    [InlineData(ErrorCode.Internal, "internal")]
    public void Error_codes_have_their_documented_wire_names(ErrorCode code, string name)
    {
        var root = Read(new ErrorMessage(code, "why", "r1", Fatal: true), "error");

        Assert.Equal(name, root.GetProperty("code").GetString());
        Assert.Equal("why", root.GetProperty("message").GetString());
        Assert.Equal("r1", root.GetProperty("inReplyTo").GetString());
        Assert.True(root.GetProperty("fatal").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("field").ValueKind);
        Assert.True(ErrorCodes.TryParse(name, out var back));
        Assert.Equal(code, back);
    }

    [Fact]
    public void Every_error_code_has_a_distinct_name_and_nothing_else_parses()
    {
        var names = Enum.GetValues<ErrorCode>().Select(ErrorCodes.Name).ToArray();

        Assert.Equal(12, names.Distinct(StringComparer.Ordinal).Count());
        Assert.False(ErrorCodes.TryParse("Bad-Json", out _));
        Assert.False(ErrorCodes.TryParse(null, out _));
    }

    [Fact]
    public void A_parse_error_becomes_an_error_frame_naming_field_and_request()
    {
        Assert.False(ClientMessageParser.TryParse("""{"v":1,"type":"join","id":"j9","room":"x","name":"A"}"""u8, out _, out var error));

        var root = Read(error.ToMessage(), "error");
        Assert.Equal("bad-field", root.GetProperty("code").GetString());
        Assert.Equal("room", root.GetProperty("field").GetString());
        Assert.Equal("j9", root.GetProperty("inReplyTo").GetString());
        Assert.False(root.GetProperty("fatal").GetBoolean());
    }

    [Fact]
    public void Writing_into_a_buffer_writer_appends_the_same_bytes()
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("x"u8);
        ServerMessageWriter.Write(new PongMessage("a"), buffer);

        Assert.Equal("x" + """{"v":1,"type":"pong","id":"a"}""", Encoding.UTF8.GetString(buffer.WrittenSpan));
        Assert.Equal(buffer.WrittenSpan[1..].ToArray(), ServerMessageWriter.Write(new PongMessage("a")));
    }

    [Fact]
    public void Client_text_echoed_in_errors_cannot_break_the_frame()
    {
        var root = Read(new ErrorMessage(ErrorCode.BadField, "quote \" backslash \\ newline \n nul \0", "\u2028</script>", false), "error");

        Assert.Equal("quote \" backslash \\ newline \n nul \0", root.GetProperty("message").GetString());
        Assert.Equal("\u2028</script>", root.GetProperty("inReplyTo").GetString());
    }

    [Fact]
    public void Unpaired_surrogates_in_server_text_become_replacement_characters_not_exceptions()
    {
        Assert.Equal("a\uFFFDb", Read(new PongMessage("a\ud800b"), "pong").GetProperty("id").GetString());
    }
}
