using System.Diagnostics;
using System.Text;
using Signaling.Protocol;

namespace Bridge.Tests.Signaling.Protocol;

public class ClientMessageParserHostileTests
{
    private static readonly byte[] ValidJoin = Encoding.UTF8.GetBytes(
        """{"v":1,"type":"join","id":"j-1","room":"acme/town-hall","name":"Zoë 🎉","token":"abc.def.ghi","visitor":false}""");

    // Every outcome must be a message or an error, never both, never neither, never an exception.
    private static (ClientMessage? Message, ProtocolError? Error) Parse(ReadOnlySpan<byte> frame, ProtocolLimits? limits = null)
    {
        var ok = ClientMessageParser.TryParse(frame, limits ?? ProtocolLimits.Default, out var message, out var error);
        Assert.Equal(ok, message is not null);
        Assert.Equal(ok, error is null);
        return (message, error);
    }

    [Fact]
    public void The_valid_join_used_below_is_accepted()
    {
        Assert.IsType<JoinMessage>(Parse(ValidJoin).Message);
    }

    [Fact]
    public void Every_truncation_of_a_valid_join_is_bad_json()
    {
        for (var length = 0; length < ValidJoin.Length; length++)
        {
            var (_, error) = Parse(ValidJoin.AsSpan(0, length));
            Assert.True(error?.Code == ErrorCode.BadJson, $"length {length}: {error?.Code}");
        }
    }

    [Fact]
    public void Every_single_bit_flip_of_a_valid_join_gives_a_message_or_a_typed_error()
    {
        var frame = (byte[])ValidJoin.Clone();
        var codes = new HashSet<ErrorCode>();
        for (var bit = 0; bit < frame.Length * 8; bit++)
        {
            frame[bit / 8] ^= (byte)(1 << (bit % 8));
            if (Parse(frame).Error is { } error)
            {
                codes.Add(error.Code);
            }

            frame[bit / 8] ^= (byte)(1 << (bit % 8));
        }

        // Flips land in structure, in the version, in the type name and in field values alike.
        Assert.Contains(ErrorCode.BadJson, codes);
        Assert.Contains(ErrorCode.UnsupportedVersion, codes);
        Assert.Contains(ErrorCode.UnknownType, codes);
        Assert.Contains(ErrorCode.BadField, codes);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    public void Invalid_utf8_inside_a_string_is_bad_json(byte[] bad)
    {
        var frame = Encoding.UTF8.GetBytes("""{"v":1,"type":"join","room":"t/r","name":"A""").Concat(bad).Concat("\"}"u8.ToArray()).ToArray();

        Assert.Equal(ErrorCode.BadJson, Parse(frame).Error?.Code);
    }

    [Fact]
    public void Utf8_byte_order_mark_is_bad_json()
    {
        var frame = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("""{"v":1,"type":"ping"}""")).ToArray();

        Assert.Equal(ErrorCode.BadJson, Parse(frame).Error?.Code);
    }

    [Fact]
    public void Ten_thousand_random_frames_give_typed_errors()
    {
        var random = new Random(20250601);
        var alphabet = "{}[]\":,0123456789.-eE truefalsn\\u\"vtypejoin"u8.ToArray();
        for (var i = 0; i < 10_000; i++)
        {
            var frame = new byte[random.Next(0, 300)];
            if (i % 2 == 0)
            {
                random.NextBytes(frame);
            }
            else
            {
                // JSON-ish bytes reach deeper into the reader than uniform noise does.
                for (var j = 0; j < frame.Length; j++)
                {
                    frame[j] = alphabet[random.Next(alphabet.Length)];
                }
            }

            Parse(frame);
        }
    }

    [Fact]
    public void Random_splices_of_valid_messages_never_throw()
    {
        var random = new Random(7);
        string[] samples =
        [
            """{"v":1,"type":"join","id":"x","room":"t/r","name":"N","token":"k","visitor":true}""",
            """{"v":1,"type":"offer","sdp":"v=0\r\n"}""",
            """{"v":1,"type":"media","audio":true,"video":false}""",
            """{"v":1,"type":"ping","id":"\ud83d\ude00"}""",
        ];
        var pieces = samples.Select(Encoding.UTF8.GetBytes).ToArray();
        for (var i = 0; i < 10_000; i++)
        {
            var a = pieces[random.Next(pieces.Length)];
            var b = pieces[random.Next(pieces.Length)];
            var cut = random.Next(a.Length + 1);
            var from = random.Next(b.Length + 1);
            Parse([.. a.AsSpan(0, cut), .. b.AsSpan(from)]);
        }
    }

    [Theory]
    [InlineData(15, false)]
    [InlineData(16, true)]
    [InlineData(100_000, true)]
    public void Nesting_beyond_the_depth_limit_is_bad_json(int extraDepth, bool refused)
    {
        // The message object is depth 1; the unknown field adds extraDepth arrays below it.
        var json = """{"v":1,"type":"ping","x":""" + new string('[', extraDepth) + new string(']', extraDepth) + "}";
        var frame = Encoding.UTF8.GetBytes(json);

        var (message, error) = Parse(frame, new ProtocolLimits { MaxFrameBytes = 1 << 20 });

        if (refused)
        {
            Assert.Equal(ErrorCode.BadJson, error?.Code);
        }
        else
        {
            Assert.IsType<PingMessage>(message);
        }
    }

    [Fact]
    public void Deep_nesting_within_the_default_frame_limit_is_bad_json()
    {
        Assert.Equal(ErrorCode.BadJson, Parse(Encoding.UTF8.GetBytes(new string('{', 60_000))).Error?.Code);
        Assert.Equal(ErrorCode.BadJson, Parse(Encoding.UTF8.GetBytes(new string('[', 60_000))).Error?.Code);
    }

    [Fact]
    public void One_MiB_frame_is_refused_before_parsing_and_quickly()
    {
        // Invalid JSON and invalid UTF-8 throughout: any look at the contents would give bad-json instead.
        var frame = new byte[1 << 20];
        Array.Fill(frame, (byte)0xFF);

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(ErrorCode.FrameTooLarge, Parse(frame).Error?.Code);
        }

        watch.Stop();
        Assert.True(watch.ElapsedMilliseconds < 1000, $"1000 refusals took {watch.ElapsedMilliseconds} ms");
        Assert.Contains("1048576", Parse(frame).Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Huge_numbers_in_fields_give_typed_errors()
    {
        var digits = new string('9', 50_000);
        Assert.Equal(ErrorCode.UnsupportedVersion, Parse(Encoding.UTF8.GetBytes($$"""{"v":{{digits}},"type":"ping"}""")).Error?.Code);
        Assert.Equal(ErrorCode.UnsupportedVersion, Parse(Encoding.UTF8.GetBytes("""{"v":1e999999999,"type":"ping"}""")).Error?.Code);
        Assert.Equal("visitor", Parse(Encoding.UTF8.GetBytes($$"""{"v":1,"type":"join","room":"t/r","name":"A","visitor":{{digits}}}""")).Error?.Field);
        Assert.IsType<PingMessage>(Parse(Encoding.UTF8.GetBytes($$"""{"v":1,"type":"ping","x":-{{digits[..30_000]}}.{{digits[..30_000]}}e-99999}""")).Message);
    }

    [Fact]
    public void Huge_strings_in_fields_are_bad_field()
    {
        var big = new string('a', 60_000);
        Assert.Equal("name", Parse(Encoding.UTF8.GetBytes($$"""{"v":1,"type":"join","room":"t/r","name":"{{big}}"}""")).Error?.Field);
        Assert.Equal("room", Parse(Encoding.UTF8.GetBytes($$"""{"v":1,"type":"join","room":"t/{{big}}","name":"A"}""")).Error?.Field);
        Assert.Equal("token", Parse(Encoding.UTF8.GetBytes($$"""{"v":1,"type":"join","room":"t/r","name":"A","token":"{{big}}"}""")).Error?.Field);
        Assert.Equal("id", Parse(Encoding.UTF8.GetBytes($$"""{"v":1,"type":"ping","id":"{{big}}"}""")).Error?.Field);

        // Escapes inflate the frame six-fold but are counted after decoding.
        var escaped = string.Concat(Enumerable.Repeat("\\u0061", 10_000));
        Assert.Equal("name", Parse(Encoding.UTF8.GetBytes($$"""{"v":1,"type":"join","room":"t/r","name":"{{escaped}}"}""")).Error?.Field);
    }

    [Theory]
    [InlineData("\\ud800")]
    [InlineData("\\udc00")]
    [InlineData("\\ude00\\ud83d")]
    [InlineData("a\\ud83d")]
    public void Escaped_unpaired_surrogates_are_bad_field(string escape)
    {
        Assert.Equal("name", Parse(Encoding.UTF8.GetBytes($$"""{"v":1,"type":"join","room":"t/r","name":"{{escape}}"}""")).Error?.Field);
        Assert.Equal("id", Parse(Encoding.UTF8.GetBytes($$"""{"v":1,"type":"ping","id":"{{escape}}"}""")).Error?.Field);
        Assert.Equal(ErrorCode.BadField, Parse(Encoding.UTF8.GetBytes($$"""{"v":1,"type":"{{escape}}"}""")).Error?.Code);
    }

    [Fact]
    public void Many_unknown_fields_within_the_frame_limit_are_skipped()
    {
        var fields = string.Concat(Enumerable.Range(0, 5000).Select(i => $"\"f{i}\":{i},"));
        Assert.IsType<PingMessage>(Parse(Encoding.UTF8.GetBytes($$"""{{{fields}}"v":1,"type":"ping"}""")).Message);
    }
}
