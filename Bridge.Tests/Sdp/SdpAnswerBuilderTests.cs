using System.Text.RegularExpressions;
using Bridge.Sdp;
using static Bridge.Tests.Sdp.SdpTestData;

namespace Bridge.Tests.Sdp;

public class SdpAnswerBuilderTests
{
    private static readonly string[] TransportLines =
    [
        "c=IN IP4 127.0.0.1",
        "a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host",
        "a=end-of-candidates",
        "a=ice-ufrag:Brdg",
        "a=ice-pwd:bridgeIcePassword0123456",
        "a=fingerprint:sha-256 " + BridgeFingerprintHex,
        "a=setup:passive",
    ];

    [Fact]
    public void Answer_session_is_ice_lite_and_bundles_every_accepted_mid()
    {
        SdpAnswer answer = Answer(ChromiumOffers.Publisher, isPublisher: true);

        string[] session = SessionLines(answer.Sdp);
        Assert.Equal(7, session.Length);
        Assert.Equal("v=0", session[0]);
        Assert.Matches(new Regex("^o=- [0-9]{1,19} 2 IN IP4 127\\.0\\.0\\.1$"), session[1]);
        Assert.Equal(["s=-", "t=0 0", "a=group:BUNDLE 0 1", "a=msid-semantic: WMS *", "a=ice-lite"], session[2..]);
    }

    [Fact]
    public void Publisher_audio_is_answered_recvonly_with_opus_only_and_allowed_extensions_under_offer_ids()
    {
        SdpAnswer answer = Answer(ChromiumOffers.Publisher, isPublisher: true);

        string[] expected =
        [
            "m=audio 40000 UDP/TLS/RTP/SAVPF 111",
            .. TransportLines,
            "a=mid:0",
            "a=extmap:1 " + AudioLevelUri,
            "a=extmap:2 " + AbsSendTimeUri,
            "a=extmap:4 " + MidUri,
            "a=recvonly",
            "a=rtcp-mux",
            "a=rtcp-rsize",
            "a=rtpmap:111 opus/48000/2",
            "a=fmtp:111 minptime=10;useinbandfec=1",
        ];
        Assert.Equal(expected, Section(answer.Sdp, 0));
    }

    [Fact]
    public void Publisher_video_is_answered_recvonly_with_vp8_its_rtx_and_the_feedback_the_bridge_handles()
    {
        SdpAnswer answer = Answer(ChromiumOffers.Publisher, isPublisher: true);

        string[] expected =
        [
            "m=video 40000 UDP/TLS/RTP/SAVPF 96 97",
            .. TransportLines,
            "a=mid:1",
            "a=extmap:2 " + AbsSendTimeUri,
            "a=extmap:4 " + MidUri,
            "a=recvonly",
            "a=rtcp-mux",
            "a=rtcp-rsize",
            "a=rtpmap:96 VP8/90000",
            "a=rtcp-fb:96 goog-remb",
            "a=rtcp-fb:96 ccm fir",
            "a=rtcp-fb:96 nack",
            "a=rtcp-fb:96 nack pli",
            "a=rtpmap:97 rtx/90000",
            "a=fmtp:97 apt=96",
        ];
        Assert.Equal(expected, Section(answer.Sdp, 1));
        Assert.DoesNotContain("a=ssrc", answer.Sdp, StringComparison.Ordinal);
        Assert.DoesNotContain("a=msid:", answer.Sdp, StringComparison.Ordinal);
    }

    [Fact]
    public void Publisher_negotiated_media_reflects_the_answer_and_the_browser_ssrcs()
    {
        SdpAnswer answer = Answer(ChromiumOffers.Publisher, isPublisher: true);

        Assert.False(answer.BridgeIsDtlsClient);
        Assert.Equal(ChromiumOffers.BrowserFingerprint, answer.RemoteFingerprint);
        Assert.Equal(("MILc", "gwLkHTgMkTXMgZWFh6wdZP1G"), (answer.RemoteIceUfrag, answer.RemoteIcePwd));
        Assert.True(answer.RtcpRsize);
        Assert.Equal(2, answer.Media.Count);

        NegotiatedMedia audio = answer.Media[0];
        Assert.Equal(("0", MediaKind.Audio, MediaDirection.RecvOnly), (audio.Mid, audio.Kind, audio.BridgeDirection));
        Assert.Equal("111 opus/48000/2 minptime=10;useinbandfec=1 []", SdpParserTests.Show(audio.Codec));
        Assert.Null(audio.Rtx);
        Assert.Equal([new(1, AudioLevelUri), new(2, AbsSendTimeUri), new SdpExtension(4, MidUri)], audio.Extensions);
        Assert.Equal([2784931077u], audio.RemoteSsrcs.Select(s => s.Ssrc));
        Assert.Null(audio.Slot);

        NegotiatedMedia video = answer.Media[1];
        Assert.Equal(("1", MediaKind.Video, MediaDirection.RecvOnly), (video.Mid, video.Kind, video.BridgeDirection));
        Assert.Equal("96 VP8/90000/1  [goog-remb,ccm fir,nack,nack pli]", SdpParserTests.Show(video.Codec));
        Assert.Equal("97 rtx/90000/1 apt=96 []", SdpParserTests.Show(video.Rtx!));
        Assert.Equal([new(2, AbsSendTimeUri), new SdpExtension(4, MidUri)], video.Extensions);
        Assert.Equal([1493425863u, 3318563716u], video.RemoteSsrcs.Select(s => s.Ssrc));
        Assert.Equal([1493425863u, 3318563716u], Assert.Single(video.RemoteFidGroups));
        Assert.Null(video.Slot);
    }

    [Fact]
    public void Receiver_sections_are_answered_sendonly_with_slot_ssrcs_msid_and_rtx_group()
    {
        SdpAnswer answer = Answer(ChromiumOffers.Receiver, isPublisher: false);

        Assert.Equal("a=group:BUNDLE 0 1 2 3", SessionLines(answer.Sdp)[4]);
        for (int i = 0; i < 3; i++)
        {
            string[] audio = Section(answer.Sdp, i);
            string ssrc = (1000001 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(
                [
                    "m=audio 40000 UDP/TLS/RTP/SAVPF 111",
                    .. TransportLines,
                    $"a=mid:{i}",
                    "a=extmap:1 " + AudioLevelUri,
                    "a=extmap:2 " + AbsSendTimeUri,
                    "a=extmap:4 " + MidUri,
                    "a=sendonly",
                    $"a=msid:bridge audio{i}",
                    "a=rtcp-mux",
                    "a=rtcp-rsize",
                    "a=rtpmap:111 opus/48000/2",
                    "a=fmtp:111 minptime=10;useinbandfec=1",
                    $"a=ssrc:{ssrc} cname:bridge",
                    $"a=ssrc:{ssrc} msid:bridge audio{i}",
                ],
                audio);
        }

        string[] video = Section(answer.Sdp, 3);
        Assert.Equal("m=video 40000 UDP/TLS/RTP/SAVPF 96 97", video[0]);
        Assert.Equal(["sendonly"], Values(video, "a=").Where(v => v is "sendonly" or "recvonly" or "sendrecv" or "inactive"));
        Assert.Equal(["bridge video3"], Values(video, "a=msid:"));
        Assert.Equal(["97 apt=96"], Values(video, "a=fmtp:"));
        Assert.Equal(
            [
                "a=ssrc-group:FID 2000001 2000101",
                "a=ssrc:2000001 cname:bridge",
                "a=ssrc:2000001 msid:bridge video3",
                "a=ssrc:2000101 cname:bridge",
                "a=ssrc:2000101 msid:bridge video3",
            ],
            video[^5..]);

        Assert.Equal([AudioSlots[0], AudioSlots[1], AudioSlots[2], VideoSlots[0]], answer.Media.Select(m => m.Slot));
        Assert.All(answer.Media, m => Assert.Equal(MediaDirection.SendOnly, m.BridgeDirection));
        Assert.Equal(97, answer.Media[3].Rtx?.PayloadType);
    }

    [Fact]
    public void Receiver_sections_beyond_the_slots_stay_bundled_but_inactive()
    {
        SdpAnswer answer = Answer(ChromiumOffers.Receiver, isPublisher: false, audio: AudioSlots[..2]);

        string[] third = Section(answer.Sdp, 2);
        Assert.Contains("a=inactive", third);
        Assert.Equal("m=audio 40000 UDP/TLS/RTP/SAVPF 111", third[0]);
        Assert.DoesNotContain(third, l => l.StartsWith("a=ssrc", StringComparison.Ordinal) || l.StartsWith("a=msid", StringComparison.Ordinal));
        Assert.Equal("a=group:BUNDLE 0 1 2 3", SessionLines(answer.Sdp)[4]);
        Assert.Equal([MediaDirection.SendOnly, MediaDirection.SendOnly, MediaDirection.Inactive, MediaDirection.SendOnly], answer.Media.Select(m => m.BridgeDirection));
        Assert.Null(answer.Media[2].Slot);
    }

    [Fact]
    public void Receiver_rtx_ssrc_is_signalled_only_when_rtx_is_negotiated()
    {
        SdpAnswer noRtxSlot = Answer(ChromiumOffers.Receiver, isPublisher: false, video: [new SlotSsrc(2000001, null)]);
        Assert.DoesNotContain("ssrc-group", noRtxSlot.Sdp, StringComparison.Ordinal);
        Assert.Equal(new SlotSsrc(2000001, null), noRtxSlot.Media[3].Slot);

        string withoutRtx = ChromiumOffers.Receiver.Replace("a=rtpmap:97 rtx/90000\na=fmtp:97 apt=96\n", string.Empty, StringComparison.Ordinal);
        SdpAnswer noRtxOffered = Answer(withoutRtx, isPublisher: false);
        string[] video = Section(noRtxOffered.Sdp, 3);
        Assert.Equal("m=video 40000 UDP/TLS/RTP/SAVPF 96", video[0]);
        Assert.DoesNotContain(video, l => l.Contains("2000101", StringComparison.Ordinal) || l.Contains("rtx", StringComparison.Ordinal));
        Assert.Null(noRtxOffered.Media[3].Rtx);
        Assert.Equal(new SlotSsrc(2000001, null), noRtxOffered.Media[3].Slot);
    }

    [Theory]
    [InlineData("actpass", "passive", false)]
    [InlineData("active", "passive", false)]
    [InlineData("passive", "active", true)]
    public void Dtls_role_follows_the_offered_setup(string offered, string answered, bool bridgeIsClient)
    {
        SdpAnswer answer = Answer(ChromiumOffers.Publisher.Replace("a=setup:actpass", "a=setup:" + offered, StringComparison.Ordinal), isPublisher: true);

        Assert.Equal([answered], Values(Section(answer.Sdp, 0), "a=setup:"));
        Assert.Equal([answered], Values(Section(answer.Sdp, 1), "a=setup:"));
        Assert.Equal(bridgeIsClient, answer.BridgeIsDtlsClient);
    }

    [Fact]
    public void Missing_setup_is_read_as_actpass_and_holdconn_is_refused()
    {
        SdpAnswer answer = Answer(ChromiumOffers.Publisher.Replace("a=setup:actpass\n", string.Empty, StringComparison.Ordinal), isPublisher: true);
        Assert.False(answer.BridgeIsDtlsClient);

        Assert.False(Build(ChromiumOffers.Publisher.Replace("a=setup:actpass", "a=setup:holdconn", StringComparison.Ordinal), true, out _, out string? error));
        Assert.Equal("offer setup:holdconn cannot be answered", error);
    }

    [Fact]
    public void Datachannel_section_is_rejected_with_port_zero_and_left_out_of_bundle()
    {
        SdpAnswer answer = Answer(ChromiumOffers.PublisherWithDataChannel, isPublisher: true);

        Assert.Equal(["m=application 0 UDP/DTLS/SCTP webrtc-datachannel", "c=IN IP4 0.0.0.0", "a=mid:1"], Section(answer.Sdp, 1));
        Assert.Equal("a=group:BUNDLE 0", SessionLines(answer.Sdp)[4]);
        Assert.Equal(["0"], answer.Media.Select(m => m.Mid));

        // The offer's audio was sendrecv: the bridge receives it and sends the others' audio back on a slot.
        Assert.Contains("a=sendrecv", Section(answer.Sdp, 0));
        Assert.NotNull(answer.Media[0].Slot);
    }

    [Fact]
    public void Section_without_opus_or_vp8_is_rejected_and_offer_without_either_fails()
    {
        string noOpus = ChromiumOffers.Publisher.Replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:111 ISAC/16000", StringComparison.Ordinal);
        SdpAnswer answer = Answer(noOpus, isPublisher: true);
        Assert.Equal(["m=audio 0 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126", "c=IN IP4 0.0.0.0", "a=mid:0"], Section(answer.Sdp, 0));
        Assert.Equal("a=group:BUNDLE 1", SessionLines(answer.Sdp)[4]);
        Assert.Equal(["1"], answer.Media.Select(m => m.Mid));

        string neither = noOpus.Replace("a=rtpmap:96 VP8/90000", "a=rtpmap:96 VP7/90000", StringComparison.Ordinal);
        Assert.False(Build(neither, true, out SdpAnswer? none, out string? error));
        Assert.Null(none);
        Assert.Equal("offer sends no Opus or VP8 media in the BUNDLE group", error);
    }

    [Fact]
    public void Opus_must_be_stereo_48k_as_rfc7587_writes_it()
    {
        string mono = ChromiumOffers.Publisher.Replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:111 opus/48000", StringComparison.Ordinal);

        Assert.StartsWith("m=audio 0 ", Section(Answer(mono, isPublisher: true).Sdp, 0)[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Role_and_offer_direction_must_match()
    {
        Assert.False(Build(ChromiumOffers.Receiver, true, out _, out string? publisherError));
        Assert.Equal("offer sends no Opus or VP8 media in the BUNDLE group", publisherError);

        Assert.False(Build(ChromiumOffers.Publisher, false, out _, out string? receiverError));
        Assert.Equal("offer has no recvonly Opus or VP8 section in the BUNDLE group that a slot can fill", receiverError);
    }

    [Fact]
    public void Receiver_offer_mixing_sendonly_and_recvonly_gets_the_sendonly_sections_inactive()
    {
        int video = ChromiumOffers.Receiver.IndexOf("m=video", StringComparison.Ordinal);
        string offer = ChromiumOffers.Receiver[..video] + ChromiumOffers.Receiver[video..].Replace("a=recvonly", "a=sendonly", StringComparison.Ordinal);

        SdpAnswer answer = Answer(offer, isPublisher: false);

        Assert.Contains("a=inactive", Section(answer.Sdp, 3));
        Assert.Equal(MediaDirection.Inactive, answer.Media[3].BridgeDirection);
        Assert.Null(answer.Media[3].Slot);
        Assert.DoesNotContain("2000001", answer.Sdp, StringComparison.Ordinal);
    }

    [Fact]
    public void Extension_allow_list_decides_which_extmaps_are_answered()
    {
        SdpAnswer none = Answer(ChromiumOffers.Publisher, isPublisher: true, extensions: []);
        Assert.DoesNotContain("a=extmap", none.Sdp, StringComparison.Ordinal);
        Assert.All(none.Media, m => Assert.Empty(m.Extensions));

        const string Toffset = "urn:ietf:params:rtp-hdrext:toffset";
        SdpAnswer toffset = Answer(ChromiumOffers.Publisher, isPublisher: true, extensions: [Toffset, MidUri]);
        Assert.Equal(["4 " + MidUri], Values(Section(toffset.Sdp, 0), "a=extmap:"));
        Assert.Equal(["14 " + Toffset, "4 " + MidUri], Values(Section(toffset.Sdp, 1), "a=extmap:"));
    }

    [Fact]
    public void Firefox_offer_keeps_its_own_payload_types_and_extension_ids()
    {
        SdpAnswer answer = Answer(ChromiumOffers.FirefoxPublisher, isPublisher: true);

        string[] audio = Section(answer.Sdp, 0);
        Assert.Equal("m=audio 40000 UDP/TLS/RTP/SAVPF 109", audio[0]);
        Assert.Equal(["109 maxplaybackrate=48000;stereo=1;useinbandfec=1"], Values(audio, "a=fmtp:"));
        Assert.Equal(["1 " + AudioLevelUri, "3 " + MidUri], Values(audio, "a=extmap:"));

        string[] video = Section(answer.Sdp, 1);
        Assert.Equal("m=video 40000 UDP/TLS/RTP/SAVPF 120 124", video[0]);
        Assert.Equal(["120 max-fs=12288;max-fr=60", "124 apt=120"], Values(video, "a=fmtp:"));
        Assert.Equal(["3 " + MidUri, "4 " + AbsSendTimeUri], Values(video, "a=extmap:"));
        Assert.Equal(["120 nack", "120 nack pli", "120 ccm fir", "120 goog-remb"], Values(video, "a=rtcp-fb:"));
        Assert.DoesNotContain("a=rtcp-rsize", audio);
        Assert.False(answer.RtcpRsize);
    }

    [Fact]
    public void Munged_simulcast_publisher_exposes_sim_and_fid_groups()
    {
        string offer = ChromiumOffers.Publisher.Replace(
            "a=ssrc-group:FID 1493425863 3318563716\n",
            "a=ssrc-group:SIM 1493425863 11 12\na=ssrc-group:FID 1493425863 3318563716\na=ssrc-group:FID 11 21\na=ssrc-group:FID 12 22\n",
            StringComparison.Ordinal);

        NegotiatedMedia video = Answer(offer, isPublisher: true).Media[1];

        Assert.Equal([1493425863u, 11u, 12u], video.RemoteSimGroup);
        Assert.Equal(3, video.RemoteFidGroups.Count);
    }

    [Fact]
    public void Section_outside_the_bundle_group_is_rejected_and_an_offer_without_bundle_fails()
    {
        SdpAnswer answer = Answer(ChromiumOffers.Publisher.Replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0", StringComparison.Ordinal), isPublisher: true);
        Assert.StartsWith("m=video 0 UDP/TLS/RTP/SAVPF 96 97 103", Section(answer.Sdp, 1)[0], StringComparison.Ordinal);
        Assert.Single(answer.Media);

        Assert.False(Build(ChromiumOffers.Publisher.Replace("a=group:BUNDLE 0 1\n", string.Empty, StringComparison.Ordinal), true, out _, out _));
    }

    [Fact]
    public void Bundled_sections_with_different_ice_credentials_are_refused()
    {
        int video = ChromiumOffers.Publisher.IndexOf("m=video", StringComparison.Ordinal);
        string offer = ChromiumOffers.Publisher[..video] + ChromiumOffers.Publisher[video..].Replace("a=ice-ufrag:MILc", "a=ice-ufrag:Othr", StringComparison.Ordinal);

        Assert.False(Build(offer, true, out _, out string? error));
        Assert.Equal("m-line 1: transport attributes differ from the bundle's", error);
    }

    [Fact]
    public void Ipv6_candidate_is_written_with_ip6_address_type()
    {
        SdpOffer offer = Parse(ChromiumOffers.Publisher);
        BridgeTransportInfo v6 = BridgeTransport with { CandidateIp = "::1", CandidatePort = 3478 };

        Assert.True(SdpAnswerBuilder.TryBuildAnswer(offer, true, v6, [], [], "bridge", DefaultExtensions, out SdpAnswer? answer, out _));

        string[] audio = Section(answer!.Sdp, 0);
        Assert.Equal("m=audio 3478 UDP/TLS/RTP/SAVPF 111", audio[0]);
        Assert.Equal("c=IN IP6 ::1", audio[1]);
        Assert.Equal("a=candidate:1 1 udp 2130706431 ::1 3478 typ host", audio[2]);
    }

    public static TheoryData<BridgeTransportInfo, string> BadTransports => new()
    {
        { BridgeTransport with { IceUfrag = "Br\r\na=x" }, "bridge ICE credentials are malformed" },
        { BridgeTransport with { IceUfrag = "abc" }, "bridge ICE credentials are malformed" },
        { BridgeTransport with { IcePwd = "short" }, "bridge ICE credentials are malformed" },
        { BridgeTransport with { FingerprintAlgorithm = "md5" }, "bridge fingerprint is malformed" },
        { BridgeTransport with { Fingerprint = "9E:93" }, "bridge fingerprint is malformed" },
        { BridgeTransport with { Fingerprint = BridgeFingerprintHex.Replace("9E", "\r\n", StringComparison.Ordinal) }, "bridge fingerprint is malformed" },
        { BridgeTransport with { CandidateIp = "bridge.example" }, "bridge candidate address is malformed" },
        { BridgeTransport with { CandidateIp = "127.0.0.1\r\na=x" }, "bridge candidate address is malformed" },
        { BridgeTransport with { CandidatePort = 0 }, "bridge candidate address is malformed" },
        { BridgeTransport with { CandidatePort = 65536 }, "bridge candidate address is malformed" },
    };

    [Theory]
    [MemberData(nameof(BadTransports))]
    public void Malformed_bridge_transport_is_refused(BridgeTransportInfo transport, string expected)
    {
        Assert.False(SdpAnswerBuilder.TryBuildAnswer(Parse(ChromiumOffers.Publisher), true, transport, [], [], "bridge", DefaultExtensions, out SdpAnswer? answer, out string? error));
        Assert.Null(answer);
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("line\r\nbreak")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234")]
    public void Malformed_stream_id_is_refused(string streamId)
    {
        Assert.False(SdpAnswerBuilder.TryBuildAnswer(Parse(ChromiumOffers.Receiver), false, BridgeTransport, AudioSlots, VideoSlots, streamId, DefaultExtensions, out _, out string? error));
        Assert.Equal("stream id is not a 1..64 character token (RFC 8830 2)", error);
    }

    [Fact]
    public void Repeated_slot_ssrc_is_refused()
    {
        SlotSsrc[] video = [new(2000001, 1000002)];

        Assert.False(SdpAnswerBuilder.TryBuildAnswer(Parse(ChromiumOffers.Receiver), false, BridgeTransport, AudioSlots, video, "bridge", DefaultExtensions, out _, out string? error));
        Assert.Equal("slot SSRCs are not distinct", error);
    }

    private static bool Build(string offer, bool isPublisher, out SdpAnswer? answer, out string? error) =>
        SdpAnswerBuilder.TryBuildAnswer(Parse(offer), isPublisher, BridgeTransport, AudioSlots, VideoSlots, "bridge", DefaultExtensions, out answer, out error);
}
