using Bridge.Sdp;
using static Bridge.Tests.Sdp.SdpTestData;

namespace Bridge.Tests.Sdp;

/// <summary>The bridge's answers are read back with the same parser: what it wrote must be what it says it negotiated.</summary>
public class SdpAnswerRoundTripTests
{
    public static TheoryData<string, bool> Offers => new()
    {
        { ChromiumOffers.Publisher, true },
        { ChromiumOffers.Receiver, false },
        { ChromiumOffers.PublisherWithDataChannel, true },
        { ChromiumOffers.FirefoxPublisher, true },
    };

    [Theory]
    [MemberData(nameof(Offers))]
    public void Parsed_answer_matches_the_negotiated_media(string offerSdp, bool isPublisher)
    {
        SdpOffer offer = Parse(offerSdp);
        SdpAnswer answer = Answer(offerSdp, isPublisher);

        SdpOffer parsed = Parse(answer.Sdp);

        Assert.Equal(offer.Media.Select(m => m.Mid), parsed.Media.Select(m => m.Mid));
        Assert.Equal(answer.Media.Select(m => m.Mid), parsed.Bundle);
        Assert.Equal(("Brdg", "bridgeIcePassword0123456", "sha-256 " + BridgeFingerprintHex, "passive"), (parsed.IceUfrag, parsed.IcePwd, parsed.Fingerprint, parsed.Setup));
        foreach (SdpMediaSection section in parsed.Media)
        {
            NegotiatedMedia? media = answer.Media.SingleOrDefault(m => m.Mid == section.Mid);
            Assert.Equal(media is null, section.Rejected);
            if (media is null)
            {
                Assert.Equal(offer.Media[section.Index].Kind, section.Kind);
                Assert.Equal(offer.Media[section.Index].Formats, section.Formats);
                continue;
            }

            Assert.Equal(media.BridgeDirection, section.Direction);
            SdpCodec[] codecs = media.Rtx is null ? [media.Codec] : [media.Codec, media.Rtx];
            Assert.Equal(codecs.Select(SdpParserTests.Show), section.Codecs.Select(SdpParserTests.Show));
            Assert.Equal(media.Extensions, section.Extensions);
            Assert.True(section.RtcpMux);
            Assert.Equal(offer.Media[section.Index].RtcpRsize, section.RtcpRsize);
            Assert.Equal(ExpectedSsrcs(media), section.Ssrcs);
            Assert.Equal(ExpectedFid(media), section.FidGroups.Select(g => g.ToArray()));
        }
    }

    [Fact]
    public void Receiver_answer_read_back_gives_the_browser_the_slot_ssrcs_with_cname_and_msid()
    {
        SdpOffer parsed = Parse(Answer(ChromiumOffers.Receiver, isPublisher: false).Sdp);

        Assert.Equal([new SdpSsrc(1000002, "bridge", "bridge audio1")], parsed.Media[1].Ssrcs);
        Assert.Equal([new SdpSsrc(2000001, "bridge", "bridge video3"), new SdpSsrc(2000101, "bridge", "bridge video3")], parsed.Media[3].Ssrcs);
        Assert.Equal([2000001u, 2000101u], Assert.Single(parsed.Media[3].FidGroups));
    }

    private static SdpSsrc[] ExpectedSsrcs(NegotiatedMedia media)
    {
        if (media.Slot is null)
        {
            return [];
        }

        string msid = $"bridge {(media.Kind == MediaKind.Audio ? "audio" : "video")}{media.Mid}";
        uint[] ssrcs = media.Slot.RtxSsrc is uint rtx ? [media.Slot.Ssrc, rtx] : [media.Slot.Ssrc];
        return ssrcs.Select(s => new SdpSsrc(s, "bridge", msid)).ToArray();
    }

    private static uint[][] ExpectedFid(NegotiatedMedia media) =>
        media.Slot?.RtxSsrc is uint rtx ? [[media.Slot.Ssrc, rtx]] : [];
}
