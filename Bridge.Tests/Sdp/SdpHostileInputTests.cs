using System.Text;
using Bridge.Sdp;
using static Bridge.Tests.Sdp.SdpTestData;

namespace Bridge.Tests.Sdp;

/// <summary>Whatever arrives over the HTTP API, parsing and answering end in a result, never an exception.</summary>
public class SdpHostileInputTests
{
    private static readonly string[] AllOffers = [ChromiumOffers.Publisher, ChromiumOffers.Receiver, ChromiumOffers.PublisherWithDataChannel, ChromiumOffers.FirefoxPublisher];

    [Fact]
    public void Every_truncation_of_every_offer_returns_a_result()
    {
        foreach (string offer in AllOffers)
        {
            string crlf = offer.ReplaceLineEndings("\r\n");

            // Any cut before the last a=rtcp-mux leaves an RTP section without it, so it must fail.
            int lastMux = crlf.LastIndexOf("a=rtcp-mux\r\n", StringComparison.Ordinal) + "a=rtcp-mux".Length;
            for (int length = 0; length <= crlf.Length; length++)
            {
                bool parsed = ParseAndAnswer(crlf[..length]);
                Assert.True(length >= lastMux || !parsed, $"cut at {length} parsed");
            }

            Assert.True(ParseAndAnswer(crlf));
        }
    }

    [Fact]
    public void Random_character_mutations_return_a_result()
    {
        var random = new Random(20240601);
        const string Palette = " :/=;\r\n\t\0abcxyzAZ0123456789*-.{}\u00e9\u2028\uffff";
        for (int i = 0; i < 3000; i++)
        {
            char[] text = AllOffers[i % AllOffers.Length].ToCharArray();
            int flips = random.Next(1, 6);
            for (int f = 0; f < flips; f++)
            {
                text[random.Next(text.Length)] = Palette[random.Next(Palette.Length)];
            }

            ParseAndAnswer(new string(text));
        }
    }

    [Fact]
    public void Random_line_deletions_duplications_and_swaps_return_a_result()
    {
        var random = new Random(7);
        int accepted = 0;
        for (int i = 0; i < 3000; i++)
        {
            List<string> lines = [.. AllOffers[i % AllOffers.Length].Split('\n')];
            int a = random.Next(1, lines.Count);
            int b = random.Next(1, lines.Count);
            switch (random.Next(3))
            {
                case 0: lines.RemoveAt(a); break;
                case 1: lines.Insert(b, lines[a]); break;
                default: (lines[a], lines[b]) = (lines[b], lines[a]); break;
            }

            accepted += ParseAndAnswer(string.Join('\n', lines)) ? 1 : 0;
        }

        // Most single-line edits hit an ignorable or repeatable line; some must be refused.
        Assert.InRange(accepted, 1, 2999);
    }

    [Fact]
    public void Random_strings_are_refused()
    {
        var random = new Random(99);
        for (int i = 0; i < 500; i++)
        {
            var text = new StringBuilder(i % 2 == 0 ? "v=0\r\n" : string.Empty);
            int length = random.Next(0, 4096);
            for (int c = 0; c < length; c++)
            {
                text.Append((char)random.Next(0, 0x10000));
            }

            Assert.False(SdpParser.TryParseOffer(text.ToString(), out SdpOffer? offer, out string? error));
            Assert.Null(offer);
            Assert.NotNull(error);
        }
    }

    [Fact]
    public void Limit_is_exactly_64_kib()
    {
        string padded = ChromiumOffers.Publisher + new string('\n', SdpParser.MaxLength - ChromiumOffers.Publisher.Length);

        Assert.Equal(SdpParser.MaxLength, padded.Length);
        Assert.True(SdpParser.TryParseOffer(padded, out _, out _));
        Assert.False(SdpParser.TryParseOffer(padded + "\n", out _, out string? error));
        Assert.Equal("SDP longer than 65536 characters", error);
    }

    [Fact]
    public void Sixty_kilobytes_of_ssrc_lines_parse_into_a_bounded_list()
    {
        var offer = new StringBuilder(ChromiumOffers.Publisher);
        uint ssrc = 1;
        while (offer.Length < SdpParser.MaxLength - 64)
        {
            offer.Append("a=ssrc:").Append(ssrc++).Append(" cname:x\n");
        }

        SdpOffer parsed = Parse(offer.ToString());

        Assert.Equal((int)ssrc - 1 + 2, parsed.Media[1].Ssrcs.Count);
        Assert.True(ParseAndAnswer(offer.ToString()));
    }

    [Fact]
    public void Huge_numbers_and_long_tokens_are_refused()
    {
        string[] bad =
        [
            ChromiumOffers.Publisher.Replace("a=rtpmap:96 VP8/90000", "a=rtpmap:96 VP8/" + new string('9', 40000), StringComparison.Ordinal),
            ChromiumOffers.Publisher.Replace("a=mid:1", "a=mid:" + new string('1', 40000), StringComparison.Ordinal),
            ChromiumOffers.Publisher.Replace("a=extmap:14 ", "a=extmap:" + new string('0', 30000) + "14 ", StringComparison.Ordinal),
            ChromiumOffers.Publisher.Replace("a=ssrc:1493425863 cname", "a=ssrc:" + new string('4', 30000) + " cname", StringComparison.Ordinal),
        ];

        foreach (string sdp in bad)
        {
            Assert.False(SdpParser.TryParseOffer(sdp, out _, out string? error));
            Assert.StartsWith("m-line 1: bad ", error, StringComparison.Ordinal);
        }
    }

    /// <summary>Parses, and when that succeeds answers in both roles; true when the parse succeeded.</summary>
    private static bool ParseAndAnswer(string sdp)
    {
        bool parsed = SdpParser.TryParseOffer(sdp, out SdpOffer? offer, out string? error);
        Assert.Equal(parsed, offer is not null);
        Assert.Equal(parsed, error is null);
        if (offer is null)
        {
            return false;
        }

        foreach (bool isPublisher in new[] { true, false })
        {
            bool built = SdpAnswerBuilder.TryBuildAnswer(offer, isPublisher, BridgeTransport, AudioSlots, VideoSlots, "bridge", DefaultExtensions, out SdpAnswer? answer, out string? answerError);
            Assert.Equal(built, answer is not null);
            Assert.Equal(built, answerError is null);
            if (answer is not null)
            {
                // Whatever the offer held, the answer stays well-formed SDP that the parser accepts.
                Assert.True(SdpParser.TryParseOffer(answer.Sdp, out _, out string? reparseError), reparseError);
            }
        }

        return true;
    }
}
