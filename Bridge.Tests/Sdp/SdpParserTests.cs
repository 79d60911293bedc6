using Bridge.Sdp;
using static Bridge.Tests.Sdp.SdpTestData;

namespace Bridge.Tests.Sdp;

public class SdpParserTests
{
    [Fact]
    public void Chromium_publisher_offer_yields_sections_transport_and_bundle()
    {
        SdpOffer offer = Parse(ChromiumOffers.Publisher);

        Assert.Equal(["0", "1"], offer.Bundle);
        Assert.Equal("MILc", offer.IceUfrag);
        Assert.Equal("gwLkHTgMkTXMgZWFh6wdZP1G", offer.IcePwd);
        Assert.Equal(ChromiumOffers.BrowserFingerprint, offer.Fingerprint);
        Assert.Equal("actpass", offer.Setup);
        Assert.Equal(2, offer.Media.Count);

        SdpMediaSection audio = offer.Media[0];
        Assert.Equal((0, "audio", "0", MediaDirection.SendOnly), (audio.Index, audio.Kind, audio.Mid, audio.Direction));
        Assert.True(audio.RtcpMux);
        Assert.True(audio.RtcpRsize);
        Assert.False(audio.Rejected);
        Assert.Equal("UDP/TLS/RTP/SAVPF", audio.Protocol);
        Assert.Equal([111, 63, 9, 0, 8, 13, 110, 126], audio.Codecs.Select(c => c.PayloadType));
        Assert.Equal("111 opus/48000/2 minptime=10;useinbandfec=1 [transport-cc]", Show(audio.Codecs[0]));
        Assert.Equal("63 red/48000/2 111/111 []", Show(audio.Codecs[1]));
        Assert.Equal("0 PCMU/8000/1  []", Show(audio.Codecs[3]));
        Assert.Equal(
            [new(1, AudioLevelUri), new(2, AbsSendTimeUri), new(3, "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"), new SdpExtension(4, MidUri)],
            audio.Extensions);
        const string AudioMsid = "e9a5cb2e-d78d-4842-aff2-2ebda9bf3608 1ba0b877-5cfa-4eb1-8447-ed66691bedc9";
        Assert.Equal([new SdpSsrc(2784931077, "APNpZUh3YRBJCSEv", AudioMsid)], audio.Ssrcs);
        Assert.Empty(audio.FidGroups);

        SdpMediaSection video = offer.Media[1];
        Assert.Equal((1, "video", "1", MediaDirection.SendOnly), (video.Index, video.Kind, video.Mid, video.Direction));
        Assert.Equal(25, video.Codecs.Count);
        Assert.Equal("96 VP8/90000/1  [goog-remb,transport-cc,ccm fir,nack,nack pli]", Show(video.Codecs[0]));
        Assert.Equal("97 rtx/90000/1 apt=96 []", Show(video.Codecs[1]));
        Assert.Equal("level-idx=5;profile=0;tier=0", video.Codecs.Single(c => c.PayloadType == 39).Fmtp);
        Assert.Equal([14, 2, 13, 3, 5, 6, 7, 8, 4, 10, 11], video.Extensions.Select(e => e.Id));
        Assert.Equal([1493425863u, 3318563716u], video.Ssrcs.Select(s => s.Ssrc));
        Assert.All(video.Ssrcs, s => Assert.Equal("APNpZUh3YRBJCSEv", s.Cname));
        Assert.Single(video.FidGroups);
        Assert.Equal([1493425863u, 3318563716u], video.FidGroups[0]);
        Assert.Empty(video.SimGroup);
    }

    [Fact]
    public void Chromium_receiver_offer_has_four_recvonly_sections_without_ssrcs()
    {
        SdpOffer offer = Parse(ChromiumOffers.Receiver);

        Assert.Equal(["0", "1", "2", "3"], offer.Bundle);
        Assert.Equal(["audio", "audio", "audio", "video"], offer.Media.Select(m => m.Kind));
        Assert.All(offer.Media, m => Assert.Equal(MediaDirection.RecvOnly, m.Direction));
        Assert.All(offer.Media, m => Assert.Empty(m.Ssrcs));
        Assert.All(offer.Media, m => Assert.Equal("4yxM", m.IceUfrag));
    }

    [Fact]
    public void Lf_and_crlf_line_endings_parse_alike()
    {
        SdpOffer lf = Parse(ChromiumOffers.Publisher.ReplaceLineEndings("\n"));
        SdpOffer crlf = Parse(ChromiumOffers.Publisher.ReplaceLineEndings("\r\n"));

        Assert.Equal(Describe(lf), Describe(crlf));
        Assert.Equal(Describe(lf), Describe(Parse(ChromiumOffers.Publisher.TrimEnd())));
    }

    [Fact]
    public void Firefox_offer_takes_fingerprint_from_session_level_and_msid_from_media_level()
    {
        SdpOffer offer = Parse(ChromiumOffers.FirefoxPublisher);

        Assert.Equal("sha-256 6C:6B:D3:C1:51:2E:20:E0:A1:2D:DF:9E:1B:B5:50:67:78:80:1E:02:41:E0:50:CE:3E:0D:A3:57:9E:79:0B:1E", offer.Fingerprint);
        Assert.All(offer.Media, m => Assert.Equal(offer.Fingerprint, m.Fingerprint));
        Assert.Equal("a1b2c3d4", offer.IceUfrag);
        Assert.Equal(MediaDirection.SendRecv, offer.Media[1].Direction);
        Assert.Equal("{5b6f0c2e-4f2b-4a53-9c36-7e2e3f1c9a10} {4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a}", offer.Media[1].Ssrcs[0].Msid);
        Assert.Equal([120, 124, 121, 125, 126, 127, 97, 98], offer.Media[1].Codecs.Select(c => c.PayloadType));
        Assert.Equal("apt=120", offer.Media[1].Codecs[1].Fmtp);
        Assert.Equal(new SdpExtension(2, "urn:ietf:params:rtp-hdrext:csrc-audio-level"), offer.Media[0].Extensions[1]);
    }

    [Fact]
    public void Datachannel_section_keeps_protocol_and_format()
    {
        SdpOffer offer = Parse(ChromiumOffers.PublisherWithDataChannel);

        SdpMediaSection app = offer.Media[1];
        Assert.Equal(("application", "1", "UDP/DTLS/SCTP"), (app.Kind, app.Mid, app.Protocol));
        Assert.Equal(["webrtc-datachannel"], app.Formats);
        Assert.Empty(app.Codecs);
    }

    [Fact]
    public void Munged_simulcast_offer_keeps_sim_group_and_every_fid_pair()
    {
        string offer = ChromiumOffers.Publisher.Replace(
            "a=ssrc-group:FID 1493425863 3318563716\n",
            "a=ssrc-group:SIM 1493425863 11 12\na=ssrc-group:FID 1493425863 3318563716\na=ssrc-group:FID 11 21\na=ssrc-group:FID 12 22\n",
            StringComparison.Ordinal);

        SdpMediaSection video = Parse(offer).Media[1];

        Assert.Equal([1493425863u, 11u, 12u], video.SimGroup);
        Assert.Equal([[1493425863u, 3318563716u], [11u, 21u], [12u, 22u]], video.FidGroups.Select(g => g.ToArray()));
    }

    [Fact]
    public void Missing_direction_means_sendrecv_and_session_direction_is_inherited()
    {
        SdpOffer none = Parse(ChromiumOffers.Publisher.Replace("a=sendonly\n", string.Empty, StringComparison.Ordinal));
        Assert.All(none.Media, m => Assert.Equal(MediaDirection.SendRecv, m.Direction));

        SdpOffer session = Parse(ChromiumOffers.Publisher
            .Replace("a=sendonly\n", string.Empty, StringComparison.Ordinal)
            .Replace("a=extmap-allow-mixed\n", "a=extmap-allow-mixed\na=inactive\n", StringComparison.Ordinal));
        Assert.All(session.Media, m => Assert.Equal(MediaDirection.Inactive, m.Direction));
    }

    [Fact]
    public void Sha256_fingerprint_is_preferred_over_others_and_hex_is_upper_cased()
    {
        string offer = ChromiumOffers.Publisher.Replace(
            "a=fingerprint:sha-256 3A:20",
            "a=fingerprint:sha-1 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33\na=fingerprint:SHA-256 3a:20",
            StringComparison.Ordinal);

        Assert.Equal(ChromiumOffers.BrowserFingerprint, Parse(offer).Fingerprint);
    }

    [Theory]
    [InlineData("a=ice-ufrag:MILc\n", "no ice-ufrag")]
    [InlineData("a=ice-pwd:gwLkHTgMkTXMgZWFh6wdZP1G\n", "no ice-pwd")]
    [InlineData("a=fingerprint:sha-256 3A:20:34:DB:E3:D4:21:E8:57:95:42:39:34:CE:93:D8:16:5B:5B:77:39:9C:62:EB:F9:EE:7F:53:B7:6C:9A:C9\n", "no fingerprint")]
    [InlineData("a=rtcp-mux\n", "no rtcp-mux")]
    [InlineData("a=mid:1\n", "no mid")]
    public void Offer_missing_a_required_attribute_is_refused_with_its_name(string removed, string expected)
    {
        Assert.False(SdpParser.TryParseOffer(ChromiumOffers.Publisher.Replace(removed, string.Empty, StringComparison.Ordinal), out SdpOffer? offer, out string? error));
        Assert.Null(offer);
        Assert.NotNull(error);
        Assert.EndsWith(expected, error, StringComparison.Ordinal);
        Assert.StartsWith("m-line ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejected_section_needs_no_transport_attributes()
    {
        int video = ChromiumOffers.Publisher.IndexOf("m=video", StringComparison.Ordinal);
        string[] videoLines = ChromiumOffers.Publisher[video..].Replace("m=video 9", "m=video 0", StringComparison.Ordinal).Split('\n');
        string stripped = ChromiumOffers.Publisher[..video] + string.Join('\n', videoLines.Where(l => !l.StartsWith("a=ice-", StringComparison.Ordinal) && !l.StartsWith("a=fingerprint", StringComparison.Ordinal) && l != "a=rtcp-mux"));

        SdpOffer parsed = Parse(stripped);

        Assert.True(parsed.Media[1].Rejected);
        Assert.Null(parsed.Media[1].IceUfrag);
        Assert.Null(parsed.Media[1].Fingerprint);
        Assert.False(parsed.Media[1].RtcpMux);
        Assert.Equal("MILc", parsed.IceUfrag);
    }

    [Theory]
    [InlineData("a=rtpmap:96 VP8/90000\n", "a=rtpmap:96 VP8\n", "m-line 1: bad rtpmap")]
    [InlineData("a=rtpmap:96 VP8/90000\n", "a=rtpmap:96 VP8/ninety\n", "m-line 1: bad rtpmap")]
    [InlineData("a=rtpmap:96 VP8/90000\n", "a=rtpmap:128 VP8/90000\n", "m-line 1: bad rtpmap")]
    [InlineData("a=rtpmap:111 opus/48000/2\n", "a=rtpmap:111 opus/48000/2\na=rtpmap:111 opus/48000/2\n", "m-line 0: bad rtpmap")]
    [InlineData("a=fmtp:97 apt=96\n", "a=fmtp:97\n", "m-line 1: bad fmtp")]
    [InlineData("a=rtcp-fb:96 nack pli\n", "a=rtcp-fb:x nack pli\n", "m-line 1: bad rtcp-fb")]
    [InlineData("a=extmap:14 urn:ietf:params:rtp-hdrext:toffset\n", "a=extmap:2 urn:ietf:params:rtp-hdrext:toffset\n", "m-line 1: bad extmap")]
    [InlineData("a=extmap:14 urn:ietf:params:rtp-hdrext:toffset\n", "a=extmap:15 urn:ietf:params:rtp-hdrext:toffset\n", "m-line 1: bad extmap")]
    [InlineData("a=extmap:14 urn:ietf:params:rtp-hdrext:toffset\n", "a=extmap:256 urn:ietf:params:rtp-hdrext:toffset\n", "m-line 1: bad extmap")]
    [InlineData("a=ssrc-group:FID 1493425863 3318563716\n", "a=ssrc-group:FID 1493425863\n", "m-line 1: bad ssrc-group")]
    [InlineData("a=ssrc:1493425863 cname:APNpZUh3YRBJCSEv\n", "a=ssrc:4294967296 cname:APNpZUh3YRBJCSEv\n", "m-line 1: bad ssrc")]
    [InlineData("a=mid:1\n", "a=mid:01234567890123456\n", "m-line 1: bad mid")]
    [InlineData("a=mid:1\n", "a=mid:1\na=mid:2\n", "m-line 1: bad mid")]
    [InlineData("a=mid:1\n", "a=mid:0\n", "m-line 1: duplicate mid")]
    [InlineData("a=setup:actpass\na=mid:1\n", "a=setup:sideways\na=mid:1\n", "m-line 1: bad setup")]
    [InlineData("a=sendonly\na=msid:e9a5cb2e-d78d-4842-aff2-2ebda9bf3608 c0", "a=sendonly\na=recvonly\na=msid:e9a5cb2e-d78d-4842-aff2-2ebda9bf3608 c0", "m-line 1: duplicate direction")]
    [InlineData("a=ice-ufrag:MILc\na=ice-pwd:gwLkHTgMkTXMgZWFh6wdZP1G\na=ice-options:trickle\na=fingerprint:sha-256 3A:20:34:DB:E3:D4:21:E8:57:95:42:39:34:CE:93:D8:16:5B:5B:77:39:9C:62:EB:F9:EE:7F:53:B7:6C:9A:C9\na=setup:actpass\na=mid:1", "a=ice-ufrag:MI\na=mid:1", "m-line 1: bad ice-ufrag")]
    [InlineData("m=video 9 UDP/TLS/RTP/SAVPF 96 97", "m=video 9 UDP/TLS/RTP/SAVPF 96 96", "m-line 1: bad m-line")]
    [InlineData("m=video 9 UDP/TLS/RTP/SAVPF 96 97", "m=video 70000 UDP/TLS/RTP/SAVPF 96 97", "m-line 1: bad m-line")]
    [InlineData("m=video 9 UDP/TLS/RTP/SAVPF 96 97", "m=video 9/2 UDP/TLS/RTP/SAVPF 96 97", "m-line 1: bad m-line")]
    [InlineData("a=group:BUNDLE 0 1\n", "a=group:BUNDLE 0 1 7\n", "BUNDLE group names an unknown mid")]
    [InlineData("v=0\n", "v=1\n", "unsupported SDP version")]
    [InlineData("v=0\n", "", "first line is not v=")]
    [InlineData("s=-\n", "s=-\nv=0\n", "line 4: v= after the first line")]
    [InlineData("s=-\n", "s=-\nnot an sdp line\n", "line 4: malformed")]
    [InlineData("s=-\n", "s=-\nA=b\n", "line 4: malformed")]
    [InlineData("s=-\n", "s=-\na=bad\u0001\n", "line 4: malformed")]
    [InlineData("a=msid:e9a5cb2e-d78d-4842-aff2-2ebda9bf3608 c01891cc", "a=msid:e9a5cb2e-d78d-4842-aff2-2ebda9bf3608\rc01891cc", "malformed")]
    [InlineData("a=fingerprint:sha-256 3A:20:34:DB", "a=fingerprint:sha-256 3A:2G:34:DB", "bad fingerprint")]
    [InlineData("a=fingerprint:sha-256 3A:20:34:DB", "a=fingerprint:md5 3A:20:34:DB", "bad fingerprint")]
    [InlineData("a=fingerprint:sha-256 3A:20:34:DB", "a=fingerprint:sha-256 3A:20:34:DB:00", "bad fingerprint")]
    public void Malformed_line_is_refused_with_a_named_error(string original, string replacement, string expected)
    {
        Assert.Contains(original, ChromiumOffers.Publisher, StringComparison.Ordinal);
        string sdp = ChromiumOffers.Publisher.Replace(original, replacement, StringComparison.Ordinal);

        Assert.False(SdpParser.TryParseOffer(sdp, out SdpOffer? offer, out string? error));
        Assert.Null(offer);
        Assert.NotNull(error);
        Assert.EndsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Offer_without_m_lines_is_refused()
    {
        Assert.False(SdpParser.TryParseOffer("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", out _, out string? error));
        Assert.Equal("no m-lines", error);
    }

    [Fact]
    public void Sixty_four_m_lines_parse_and_sixty_five_are_refused()
    {
        static string Build(int sections)
        {
            var sdp = new System.Text.StringBuilder("v=0\na=ice-ufrag:MILc\na=ice-pwd:gwLkHTgMkTXMgZWFh6wdZP1G\na=fingerprint:" + ChromiumOffers.BrowserFingerprint + "\n");
            for (int i = 0; i < sections; i++)
            {
                sdp.Append("m=audio 9 UDP/TLS/RTP/SAVPF 111\na=mid:").Append(i).Append("\na=rtcp-mux\na=rtpmap:111 opus/48000/2\n");
            }

            return sdp.ToString();
        }

        Assert.Equal(64, Parse(Build(64)).Media.Count);
        Assert.False(SdpParser.TryParseOffer(Build(65), out _, out string? error));
        Assert.Equal("more than 64 m-lines", error);
    }

    [Fact]
    public void One_megabyte_string_is_refused_before_parsing()
    {
        string huge = ChromiumOffers.Publisher + new string('a', 1024 * 1024);

        Assert.False(SdpParser.TryParseOffer(huge, out SdpOffer? offer, out string? error));
        Assert.Null(offer);
        Assert.Equal("SDP longer than 65536 characters", error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\r\n")]
    [InlineData("v=0")]
    [InlineData("hello world")]
    [InlineData("v=0\r\nm=")]
    [InlineData("v=0\r\nm=audio")]
    [InlineData("v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF")]
    [InlineData("v=0\r\na=")]
    [InlineData("v=0\r\na=:")]
    [InlineData("v=0\r\na=group:")]
    [InlineData("v=0\r\na=group:BUNDLE\r\n")]
    [InlineData("v=0\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\na=rtpmap:")]
    [InlineData("v=0\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\na=ssrc:")]
    [InlineData("v=0\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\na=ssrc:1 ")]
    [InlineData("v=0\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\na=extmap:1/ x")]
    [InlineData("v=0\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\na=rtcp-fb:* ")]
    public void Garbage_is_refused_without_exception(string sdp)
    {
        Assert.False(SdpParser.TryParseOffer(sdp, out SdpOffer? offer, out string? error));
        Assert.Null(offer);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Null_input_is_refused()
    {
        Assert.False(SdpParser.TryParseOffer(null!, out _, out string? error));
        Assert.Equal("empty SDP", error);
    }

    internal static string Describe(SdpOffer offer) =>
        string.Join(
            "|",
            offer.Media.Select(m => $"{m.Index} {m.Kind} {m.Mid} {m.Direction} {m.RtcpMux} {m.RtcpRsize} {m.IceUfrag} {m.IcePwd} {m.Fingerprint} {m.Setup} {m.Rejected} {m.Protocol} "
                + string.Join(",", m.Codecs.Select(Show))
                + " " + string.Join(",", m.Extensions)
                + " " + string.Join(",", m.Ssrcs)
                + " " + string.Join(",", m.FidGroups.Select(g => string.Join(":", g)))
                + " " + string.Join(",", m.SimGroup)))
        + $"|{offer.IceUfrag} {offer.IcePwd} {offer.Fingerprint} {offer.Setup} {string.Join(",", offer.Bundle)}";

    internal static string Show(SdpCodec c) => $"{c.PayloadType} {c.Name}/{c.ClockRate}/{c.Channels} {c.Fmtp} [{string.Join(",", c.RtcpFeedback)}]";
}
