using System.Text;
using Signaling.Features.Polls;
using Signaling.Protocol;

namespace Bridge.Tests.Signaling.Features;

/// <summary>The strict parsing of <c>poll.create</c>, <c>poll.vote</c> and <c>poll.close</c> with hostile input, and the <c>polls</c> frame.</summary>
public class PollMessageParserTests
{
    private static ClientMessage Parse(string json)
    {
        Assert.True(ClientMessageParser.TryParse(Encoding.UTF8.GetBytes(json), out var message, out var error), error?.Message);
        return message;
    }

    [Fact]
    public void Valid_poll_messages_parse_with_trimmed_text()
    {
        var create = Assert.IsType<PollCreateMessage>(Parse("""{"v":1,"type":"poll.create","id":"p1","question":"  Lunch? ","options":[" Pizza","Sushi \t"]}"""));
        Assert.Equal(("p1", "Lunch?"), (create.Id, create.Question));
        Assert.Equal(["Pizza", "Sushi"], create.Options);
        var ten = Assert.IsType<PollCreateMessage>(Parse($$"""{"v":1,"type":"poll.create","question":"{{new string('q', 300)}}","options":[{{string.Join(",", Enumerable.Range(0, 10).Select(i => $"\"{new string('o', 299)}{i}\""))}}]}"""));
        Assert.Equal(10, ten.Options.Count);
        var vote = Assert.IsType<PollVoteMessage>(Parse("""{"v":1,"type":"poll.vote","poll":"poll-3","option":9}"""));
        Assert.Equal(("poll-3", 9), (vote.Poll, vote.Option));
        Assert.Equal("poll-1", Assert.IsType<PollCloseMessage>(Parse("""{"v":1,"type":"poll.close","poll":"poll-1"}""")).Poll);
    }

    [Theory]
    [InlineData("""{"v":1,"type":"poll.create","options":["a","b"]}""", "question")]
    [InlineData("""{"v":1,"type":"poll.create","question":"   ","options":["a","b"]}""", "question")]
    [InlineData("""{"v":1,"type":"poll.create","question":["q"],"options":["a","b"]}""", "question")]
    [InlineData("""{"v":1,"type":"poll.create","question":"bell\u0007","options":["a","b"]}""", "question")]
    [InlineData("""{"v":1,"type":"poll.create","question":"q\nq","options":["a","b"]}""", "question")]
    [InlineData("""{"v":1,"type":"poll.create","question":"half \uD83D","options":["a","b"]}""", "question")]
    [InlineData("""{"v":1,"type":"poll.create","question":"q","question":"r","options":["a","b"]}""", "question")]
    [InlineData("""{"v":1,"type":"poll.create","question":"q"}""", "options")]
    [InlineData("""{"v":1,"type":"poll.create","question":"q","options":null}""", "options")]
    [InlineData("""{"v":1,"type":"poll.create","question":"q","options":"a,b"}""", "options")]
    [InlineData("""{"v":1,"type":"poll.create","question":"q","options":{"0":"a","1":"b"}}""", "options")]
    [InlineData("""{"v":1,"type":"poll.create","question":"q","options":[]}""", "options")]
    [InlineData("""{"v":1,"type":"poll.create","question":"q","options":["a"]}""", "options")]
    [InlineData("""{"v":1,"type":"poll.create","question":"q","options":["a","b","c","d","e","f","g","h","i","j","k"]}""", "options")]
    [InlineData("""{"v":1,"type":"poll.create","question":"q","options":["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q","r"]}""", "options")]
    [InlineData("""{"v":1,"type":"poll.create","question":"q","options":["a",2]}""", "options")]
    [InlineData("""{"v":1,"type":"poll.create","question":"q","options":["a",null]}""", "options")]
    [InlineData("""{"v":1,"type":"poll.create","question":"q","options":["a",["b"]]}""", "options")]
    [InlineData("""{"v":1,"type":"poll.create","question":"q","options":["a",{"b":1}]}""", "options")]
    [InlineData("""{"v":1,"type":"poll.create","question":"q","options":["a","  "]}""", "options")]
    [InlineData("""{"v":1,"type":"poll.create","question":"q","options":["a","esc\u001b[2J"]}""", "options")]
    [InlineData("""{"v":1,"type":"poll.create","question":"q","options":["a","\uDE00"]}""", "options")]
    [InlineData("""{"v":1,"type":"poll.create","question":"q","options":["a","b"],"options":["a","b"]}""", "options")]
    [InlineData("""{"v":1,"type":"poll.vote","option":0}""", "poll")]
    [InlineData("""{"v":1,"type":"poll.vote","poll":"","option":0}""", "poll")]
    [InlineData("""{"v":1,"type":"poll.vote","poll":7,"option":0}""", "poll")]
    [InlineData("""{"v":1,"type":"poll.vote","poll":"p\n","option":0}""", "poll")]
    [InlineData("""{"v":1,"type":"poll.vote","poll":"a","poll":"b","option":0}""", "poll")]
    [InlineData("""{"v":1,"type":"poll.vote","poll":"poll-1"}""", "option")]
    [InlineData("""{"v":1,"type":"poll.vote","poll":"poll-1","option":null}""", "option")]
    [InlineData("""{"v":1,"type":"poll.vote","poll":"poll-1","option":"0"}""", "option")]
    [InlineData("""{"v":1,"type":"poll.vote","poll":"poll-1","option":-1}""", "option")]
    [InlineData("""{"v":1,"type":"poll.vote","poll":"poll-1","option":10}""", "option")]
    [InlineData("""{"v":1,"type":"poll.vote","poll":"poll-1","option":1.5}""", "option")]
    [InlineData("""{"v":1,"type":"poll.vote","poll":"poll-1","option":1e300}""", "option")]
    [InlineData("""{"v":1,"type":"poll.vote","poll":"poll-1","option":99999999999}""", "option")]
    [InlineData("""{"v":1,"type":"poll.vote","poll":"poll-1","option":[0]}""", "option")]
    [InlineData("""{"v":1,"type":"poll.vote","poll":"poll-1","option":true}""", "option")]
    [InlineData("""{"v":1,"type":"poll.vote","poll":"poll-1","option":0,"option":1}""", "option")]
    [InlineData("""{"v":1,"type":"poll.close"}""", "poll")]
    [InlineData("""{"v":1,"type":"poll.close","poll":null}""", "poll")]
    public void Malformed_poll_fields_are_a_non_fatal_bad_field_naming_the_field(string json, string field)
    {
        Assert.False(ClientMessageParser.TryParse(Encoding.UTF8.GetBytes(json), out var message, out var error));
        Assert.Null(message);
        Assert.Equal((ErrorCode.BadField, field, false), (error.Code, error.Field, error.Fatal));
    }

    [Fact]
    public void Overlong_texts_are_refused_without_being_quoted_back()
    {
        foreach (var json in new[]
        {
            $$"""{"v":1,"type":"poll.create","id":"x","question":"{{new string('q', 301)}}","options":["a","b"]}""",
            $$"""{"v":1,"type":"poll.create","id":"x","question":"q","options":["a","{{new string('o', 301)}}"]}""",
            $$"""{"v":1,"type":"poll.vote","id":"x","poll":"{{new string('p', 65)}}","option":0}""",
        })
        {
            Assert.False(ClientMessageParser.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error));
            Assert.Equal((ErrorCode.BadField, "x"), (error.Code, error.InReplyTo));
            Assert.True(error.Message.Length < 200, error.Message);
        }
    }

    [Fact]
    public void A_huge_options_array_deeply_nested_or_not_gives_a_typed_error()
    {
        var many = $$"""{"v":1,"type":"poll.create","question":"q","options":[{{string.Join(",", Enumerable.Repeat("\"x\"", 5000))}}]}""";
        Assert.False(ClientMessageParser.TryParse(Encoding.UTF8.GetBytes(many), out _, out var error));
        Assert.Equal(("options", ErrorCode.BadField), (error.Field, error.Code));
        var deep = """{"v":1,"type":"poll.create","question":"q","options":["a",""" + new string('[', 40) + new string(']', 40) + "]}";
        Assert.False(ClientMessageParser.TryParse(Encoding.UTF8.GetBytes(deep), out _, out error));
        Assert.Equal(ErrorCode.BadJson, error.Code);
    }

    [Fact]
    public void Every_truncation_and_bit_flip_of_a_poll_create_gives_a_message_or_a_typed_error()
    {
        var frame = Encoding.UTF8.GetBytes("""{"v":1,"type":"poll.create","id":"c","question":"Grüße?","options":["🎉 yes","no"]}""");
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
    public void The_writer_writes_the_whole_poll_set()
    {
        var polls = new PollsMessage(1_700_000_000_000, 4, [new PollView("poll-1", "Lunch <now>?", ["Pizza", "Sushi"], [2, 1], true, "p-1", 4)]);
        Assert.Equal(
            """{"v":1,"type":"polls","epoch":1700000000000,"version":4,"polls":[{"id":"poll-1","question":"Lunch \u003Cnow\u003E?","options":["Pizza","Sushi"],"tallies":[2,1],"closed":true,"createdBy":"p-1"}]}""",
            Encoding.UTF8.GetString(ServerMessageWriter.Write(polls)));
    }
}
