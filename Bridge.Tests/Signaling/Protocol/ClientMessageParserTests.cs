using System.Text;
using Signaling.Protocol;

namespace Bridge.Tests.Signaling.Protocol;

public class ClientMessageParserTests
{
    internal static ClientMessage Accept(string json)
    {
        var ok = ClientMessageParser.TryParse(Encoding.UTF8.GetBytes(json), out var message, out var error);
        Assert.True(ok, error?.Message);
        Assert.Null(error);
        return message!;
    }

    internal static ProtocolError Refuse(string json, ErrorCode code, ProtocolLimits? limits = null)
    {
        var ok = ClientMessageParser.TryParse(Encoding.UTF8.GetBytes(json), limits ?? ProtocolLimits.Default, out var message, out var error);
        Assert.False(ok);
        Assert.Null(message);
        Assert.NotNull(error);
        Assert.Equal(code, error.Code);
        return error;
    }

    [Fact]
    public void Join_with_every_field_is_read()
    {
        var join = Assert.IsType<JoinMessage>(Accept(
            """{"v":1,"type":"join","id":"r1","room":"acme/all-hands_2025.q1","name":"  Zoë Ünal 🎉 ","token":"eyJhbGciOi.x.y","visitor":true}"""));

        Assert.Equal("r1", join.Id);
        Assert.Equal("acme", join.Room.Tenant);
        Assert.Equal("all-hands_2025.q1", join.Room.Room);
        Assert.Equal("acme/all-hands_2025.q1", join.Room.ToString());
        Assert.Equal("Zoë Ünal 🎉", join.Name);
        Assert.Equal("eyJhbGciOi.x.y", join.Token);
        Assert.True(join.Visitor);
    }

    [Fact]
    public void Join_optional_fields_default_when_absent_or_null()
    {
        var join = Assert.IsType<JoinMessage>(Accept("""{"type":"join","v":1,"room":"t/r","name":"Al","token":null,"visitor":null,"id":null}"""));

        Assert.Null(join.Id);
        Assert.Null(join.Token);
        Assert.False(join.Visitor);
    }

    [Fact]
    public void Offer_media_leave_and_ping_are_read()
    {
        var sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
        var offer = Assert.IsType<OfferMessage>(Accept($$"""{"v":1,"type":"offer","id":"o1","sdp":"{{sdp.Replace("\r\n", "\\r\\n", StringComparison.Ordinal)}}"}"""));
        Assert.Equal(sdp, offer.Sdp);
        Assert.Equal("o1", offer.Id);

        var media = Assert.IsType<MediaMessage>(Accept("""{"v":1,"type":"media","audio":false,"video":true}"""));
        Assert.False(media.Audio);
        Assert.True(media.Video);

        Assert.Equal(new LeaveMessage(null), Accept("""{"v":1,"type":"leave"}"""));
        Assert.Equal(new PingMessage("p7"), Accept("""{"v":1,"type":"ping","id":"p7"}"""));
    }

    [Fact]
    public void Unknown_fields_of_any_shape_are_ignored()
    {
        var ping = Accept("""{"x":{"a":[1,2,{"b":null}]},"v":1,"future":"yes","type":"ping","n":1e308,"id":"p"}""");

        Assert.Equal(new PingMessage("p"), ping);
    }

    [Fact]
    public void Escaped_field_names_and_values_are_unescaped_before_matching()
    {
        var ping = Accept("""{"\u0076":1,"typ\u0065":"pi\u006eg","id":"\u00e9"}""");

        Assert.Equal(new PingMessage("é"), ping);
    }

    [Theory]
    [InlineData("""{"type":"ping"}""")]
    [InlineData("""{"v":2,"type":"ping"}""")]
    [InlineData("""{"v":0,"type":"ping"}""")]
    [InlineData("""{"v":"1","type":"ping"}""")]
    [InlineData("""{"v":1.5,"type":"ping"}""")]
    [InlineData("""{"v":1.0,"type":"ping"}""")]
    [InlineData("""{"v":null,"type":"ping"}""")]
    [InlineData("""{"v":true,"type":"ping"}""")]
    [InlineData("""{"v":[1],"type":"ping"}""")]
    [InlineData("""{"v":100000000000000000000000000000000,"type":"ping"}""")]
    [InlineData("""{"v":-1,"type":"ping"}""")]
    public void Missing_or_wrong_version_is_unsupported_version_and_fatal(string json)
    {
        var error = Refuse(json, ErrorCode.UnsupportedVersion);

        Assert.True(error.Fatal);
    }

    [Fact]
    public void Version_error_still_echoes_a_valid_request_id()
    {
        Assert.Equal("q", Refuse("""{"v":2,"type":"ping","id":"q"}""", ErrorCode.UnsupportedVersion).InReplyTo);
    }

    [Theory]
    [InlineData("""{"v":1,"type":"poll.delete","id":"c1"}""")]
    [InlineData("""{"v":1,"type":"JOIN","id":"c1"}""")]
    [InlineData("""{"v":1,"type":"","id":"c1"}""")]
    [InlineData("""{"v":1,"type":"welcome","id":"c1"}""")]
    public void Unknown_type_is_unknown_type_with_the_request_id(string json)
    {
        var error = Refuse(json, ErrorCode.UnknownType);

        Assert.Equal("c1", error.InReplyTo);
        Assert.False(error.Fatal);
    }

    [Fact]
    public void Unknown_type_reply_does_not_grow_with_the_input()
    {
        var error = Refuse($$"""{"v":1,"type":"{{new string('x', 5000)}}"}""", ErrorCode.UnknownType);

        Assert.True(error.Message.Length < 64, error.Message);
    }

    [Theory]
    [InlineData("""{"v":1}""", "type")]
    [InlineData("""{"v":1,"type":7}""", "type")]
    [InlineData("""{"v":1,"type":null}""", "type")]
    [InlineData("""{"v":1,"type":"ping","id":5}""", "id")]
    [InlineData("""{"v":1,"type":"ping","id":""}""", "id")]
    [InlineData("""{"v":1,"type":"ping","id":"a\nb"}""", "id")]
    [InlineData("""{"v":1,"type":"join","name":"A"}""", "room")]
    [InlineData("""{"v":1,"type":"join","room":"acme","name":"A"}""", "room")]
    [InlineData("""{"v":1,"type":"join","room":"acme/","name":"A"}""", "room")]
    [InlineData("""{"v":1,"type":"join","room":"/r","name":"A"}""", "room")]
    [InlineData("""{"v":1,"type":"join","room":"a/b/c","name":"A"}""", "room")]
    [InlineData("""{"v":1,"type":"join","room":"Acme/r","name":"A"}""", "room")]
    [InlineData("""{"v":1,"type":"join","room":"acme/r m","name":"A"}""", "room")]
    [InlineData("""{"v":1,"type":"join","room":"acme/..","name":"A"}""", "room")]
    [InlineData("""{"v":1,"type":"join","room":"acme/ré","name":"A"}""", "room")]
    [InlineData("""{"v":1,"type":"join","room":5,"name":"A"}""", "room")]
    [InlineData("""{"v":1,"type":"join","room":"t/r"}""", "name")]
    [InlineData("""{"v":1,"type":"join","room":"t/r","name":"   "}""", "name")]
    [InlineData("""{"v":1,"type":"join","room":"t/r","name":"a\u0007b"}""", "name")]
    [InlineData("""{"v":1,"type":"join","room":"t/r","name":"a\u0085b"}""", "name")]
    [InlineData("""{"v":1,"type":"join","room":"t/r","name":"\ud800"}""", "name")]
    [InlineData("""{"v":1,"type":"join","room":"t/r","name":["A"]}""", "name")]
    [InlineData("""{"v":1,"type":"join","room":"t/r","name":"A","token":""}""", "token")]
    [InlineData("""{"v":1,"type":"join","room":"t/r","name":"A","token":42}""", "token")]
    [InlineData("""{"v":1,"type":"join","room":"t/r","name":"A","visitor":"yes"}""", "visitor")]
    [InlineData("""{"v":1,"type":"join","room":"t/r","name":"A","visitor":1}""", "visitor")]
    [InlineData("""{"v":1,"type":"offer"}""", "sdp")]
    [InlineData("""{"v":1,"type":"offer","sdp":{"type":"offer"}}""", "sdp")]
    [InlineData("""{"v":1,"type":"media","video":true}""", "audio")]
    [InlineData("""{"v":1,"type":"media","audio":true}""", "video")]
    [InlineData("""{"v":1,"type":"media","audio":true,"video":0}""", "video")]
    public void Missing_or_invalid_field_is_bad_field_naming_it(string json, string field)
    {
        var error = Refuse(json, ErrorCode.BadField);

        Assert.Equal(field, error.Field);
        Assert.Contains($"'{field}'", error.Message, StringComparison.Ordinal);
        Assert.False(error.Fatal);
    }

    [Fact]
    public void Room_parts_of_64_are_accepted_and_65_refused()
    {
        var longest = new string('a', 64);
        Assert.IsType<JoinMessage>(Accept($$"""{"v":1,"type":"join","room":"{{longest}}/{{longest}}","name":"A"}"""));

        Refuse($$"""{"v":1,"type":"join","room":"{{longest}}a/r","name":"A"}""", ErrorCode.BadField);
        Refuse($$"""{"v":1,"type":"join","room":"t/{{longest}}a","name":"A"}""", ErrorCode.BadField);
    }

    [Fact]
    public void Name_is_counted_after_trimming_in_scalar_values()
    {
        var emoji64 = string.Concat(Enumerable.Repeat("😀", 64));
        var join = Assert.IsType<JoinMessage>(Accept($$"""{"v":1,"type":"join","room":"t/r","name":"   {{emoji64}}   "}"""));
        Assert.Equal(emoji64, join.Name);

        Assert.Equal("name", Refuse($$"""{"v":1,"type":"join","room":"t/r","name":"{{emoji64}}x"}""", ErrorCode.BadField).Field);
    }

    [Fact]
    public void Id_and_token_limits_are_exact()
    {
        Assert.Equal(new string('i', 64), Accept($$"""{"v":1,"type":"ping","id":"{{new string('i', 64)}}"}""").Id);
        Assert.Equal("id", Refuse($$"""{"v":1,"type":"ping","id":"{{new string('i', 65)}}"}""", ErrorCode.BadField).Field);

        var token = new string('t', 4096);
        Assert.Equal(token, Assert.IsType<JoinMessage>(Accept($$"""{"v":1,"type":"join","room":"t/r","name":"A","token":"{{token}}"}""")).Token);
        Assert.Equal("token", Refuse($$"""{"v":1,"type":"join","room":"t/r","name":"A","token":"{{token}}t"}""", ErrorCode.BadField).Field);
    }

    [Fact]
    public void Sdp_of_64_KiB_is_accepted_and_one_more_character_refused_when_the_frame_limit_allows()
    {
        var limits = new ProtocolLimits { MaxFrameBytes = 128 * 1024 };
        var sdp = new string('s', ProtocolLimits.MaxSdpLength);
        Assert.True(ClientMessageParser.TryParse(Encoding.UTF8.GetBytes($$"""{"v":1,"type":"offer","sdp":"{{sdp}}"}"""), limits, out var offer, out _));
        Assert.Equal(sdp, Assert.IsType<OfferMessage>(offer).Sdp);

        Assert.Equal("sdp", Refuse($$"""{"v":1,"type":"offer","sdp":"{{sdp}}s"}""", ErrorCode.BadField, limits).Field);
    }

    [Fact]
    public void Field_errors_carry_the_request_id()
    {
        Assert.Equal("j1", Refuse("""{"v":1,"type":"join","id":"j1","room":"nope","name":"A"}""", ErrorCode.BadField).InReplyTo);
    }

    [Theory]
    [InlineData("""{"v":1,"v":1,"type":"ping"}""", "v")]
    [InlineData("""{"v":1,"type":"ping","type":"ping"}""", "type")]
    [InlineData("""{"v":1,"type":"ping","id":"a","id":"b"}""", "id")]
    [InlineData("""{"v":1,"type":"join","room":"t/r","room":"t/s","name":"A"}""", "room")]
    [InlineData("""{"v":1,"type":"join","room":"t/r","name":"A","name":"B"}""", "name")]
    [InlineData("""{"v":1,"type":"join","room":"t/r","name":"A","token":"x","token":"y"}""", "token")]
    [InlineData("""{"v":1,"type":"join","room":"t/r","name":"A","visitor":true,"visitor":false}""", "visitor")]
    [InlineData("""{"v":1,"type":"offer","sdp":"a","sdp":"b"}""", "sdp")]
    [InlineData("""{"v":1,"type":"media","audio":true,"video":true,"audio":false}""", "audio")]
    [InlineData("""{"v":1,"type":"ping","typ\u0065":"ping"}""", "type")]
    public void A_protocol_field_given_twice_is_bad_field(string json, string field)
    {
        var error = Refuse(json, ErrorCode.BadField);

        Assert.Equal(field, error.Field);
        Assert.Contains("more than once", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_fields_given_twice_are_ignored()
    {
        Assert.Equal(new PingMessage(null), Accept("""{"v":1,"type":"ping","x":1,"x":2}"""));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"ping\"")]
    [InlineData("42")]
    [InlineData("{")]
    [InlineData("{\"v\":1,\"type\":\"ping\"")]
    [InlineData("{\"v\":1,\"type\":\"ping\",}")]
    [InlineData("{\"v\":1,\"type\":\"ping\"}{}")]
    [InlineData("{\"v\":1,\"type\":\"ping\"} x")]
    [InlineData("{'v':1,'type':'ping'}")]
    [InlineData("{\"v\":1,/*c*/\"type\":\"ping\"}")]
    [InlineData("{\"v\":01,\"type\":\"ping\"}")]
    [InlineData("{\"v\":1,\"type\":\"pi\\xng\"}")]
    [InlineData("{\"v\":1,\"type\":\"ping\nx\"}")]
    [InlineData("{\"v\":NaN,\"type\":\"ping\"}")]
    public void Invalid_json_is_bad_json(string json)
    {
        Refuse(json, ErrorCode.BadJson);
    }

    [Fact]
    public void Whitespace_around_the_object_is_allowed()
    {
        Assert.Equal(new PingMessage(null), Accept(" \r\n\t{\"v\":1,\"type\":\"ping\"}\n "));
    }

    [Fact]
    public void Frame_over_the_configured_limit_is_frame_too_large_and_fatal()
    {
        var json = """{"v":1,"type":"ping","id":"abcdefgh"}""";
        var limits = new ProtocolLimits { MaxFrameBytes = json.Length - 1 };

        var error = Refuse(json, ErrorCode.FrameTooLarge, limits);
        Assert.True(error.Fatal);
        Assert.True(ClientMessageParser.TryParse(Encoding.UTF8.GetBytes(json), limits with { MaxFrameBytes = json.Length }, out _, out _));
    }
}
