using System.Text;
using Signaling.Protocol;

namespace Bridge.Tests.Signaling.Features;

/// <summary>Strict parsing of the raised-hand and live-room messages and of <c>join.ticket</c>, with hostile input.</summary>
public class HandMessageParserTests
{
    private static (ClientMessage? Message, ProtocolError? Error) Parse(string json)
    {
        return ClientMessageParser.TryParse(Encoding.UTF8.GetBytes(json), out var message, out var error) ? (message, null) : (null, error);
    }

    [Fact]
    public void Valid_messages_parse()
    {
        Assert.IsType<HandRaiseMessage>(Parse("""{"v":1,"type":"hand.raise","id":"r"}""").Message);
        Assert.IsType<HandLowerMessage>(Parse("""{"v":1,"type":"hand.lower"}""").Message);
        Assert.IsType<ModGoLiveMessage>(Parse("""{"v":1,"type":"mod.go-live"}""").Message);
        Assert.Equal(new ModDecideMessage("a", "v1-3", true), Parse("""{"v":1,"type":"mod.approve","id":"a","user":"v1-3"}""").Message);
        Assert.Equal(new ModDecideMessage(null, "v1-3", false), Parse("""{"v":1,"type":"mod.deny","user":"v1-3"}""").Message);
        var join = Assert.IsType<JoinMessage>(Parse("""{"v":1,"type":"join","room":"a/b","name":"Vera","ticket":"Ab-_09"}""").Message);
        Assert.Equal("Ab-_09", join.Ticket);
        Assert.Null(Assert.IsType<JoinMessage>(Parse("""{"v":1,"type":"join","room":"a/b","name":"Vera","ticket":null}""").Message).Ticket);
    }

    [Theory]
    [InlineData("""{"v":1,"type":"mod.approve"}""", "user")]
    [InlineData("""{"v":1,"type":"mod.approve","user":7}""", "user")]
    [InlineData("""{"v":1,"type":"mod.deny","user":""}""", "user")]
    [InlineData("""{"v":1,"type":"mod.deny","user":"a\u0000b"}""", "user")]
    [InlineData("""{"v":1,"type":"mod.deny","user":"\ud800"}""", "user")]
    [InlineData("""{"v":1,"type":"mod.approve","user":"a","user":"b"}""", "user")]
    [InlineData("""{"v":1,"type":"mod.approve","user":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}""", "user")]
    [InlineData("""{"v":1,"type":"join","room":"a/b","name":"V","ticket":""}""", "ticket")]
    [InlineData("""{"v":1,"type":"join","room":"a/b","name":"V","ticket":"a b"}""", "ticket")]
    [InlineData("""{"v":1,"type":"join","room":"a/b","name":"V","ticket":"a+/="}""", "ticket")]
    [InlineData("""{"v":1,"type":"join","room":"a/b","name":"V","ticket":true}""", "ticket")]
    [InlineData("""{"v":1,"type":"join","room":"a/b","name":"V","ticket":"a","ticket":"a"}""", "ticket")]
    public void Bad_fields_are_named(string json, string field)
    {
        var (message, error) = Parse(json);
        Assert.Null(message);
        Assert.Equal((ErrorCode.BadField, field), (error!.Code, error.Field));
    }

    [Fact]
    public void An_overlong_ticket_and_truncations_and_bit_flips_never_throw()
    {
        var (_, error) = Parse($$"""{"v":1,"type":"join","room":"a/b","name":"V","ticket":"{{new string('a', PromotionTicketRules.MaxLength + 1)}}"}""");
        Assert.Equal("ticket", error!.Field);
        var frame = Encoding.UTF8.GetBytes("""{"v":1,"type":"mod.approve","id":"a","user":"v1-3"}""");
        var random = new Random(5);
        for (var i = 0; i < 2000; i++)
        {
            var copy = frame[..random.Next(frame.Length + 1)];
            if (copy.Length > 0 && i % 2 == 0)
            {
                copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
            }

            Assert.True(ClientMessageParser.TryParse(copy, out var m, out var e) ^ (e is not null));
            Assert.True(m is null || m is ModDecideMessage or ClientMessage);
        }
    }
}
