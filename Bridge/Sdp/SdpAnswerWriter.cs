using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bridge.Sdp;

/// <summary>Writes the answer text: session lines, then per offered m-section either a full section or a port-0 rejection.</summary>
internal static class SdpAnswerWriter
{
    /// <summary>
    /// Priority of the one host candidate: type preference 126 (host), local preference 65535,
    /// component 1, per the formula of RFC 8445 5.1.2.1: (2^24)*126 + (2^8)*65535 + (256 - 1).
    /// </summary>
    private const uint HostCandidatePriority = 2130706431;

    /// <summary>The bridge's side of the transport, already checked and normalized.</summary>
    internal sealed record Transport(string IceUfrag, string IcePwd, string Fingerprint, string AddressType, string Ip, int Port, string Setup);

    /// <summary>Writes the answer; <paramref name="negotiated"/> holds null for sections answered with port 0.</summary>
    public static string Write(IReadOnlyList<SdpMediaSection> offered, IReadOnlyList<NegotiatedMedia?> negotiated, Transport local, string streamId)
    {
        var sdp = new StringBuilder(2048);

        // RFC 8866 5.2: the session id only has to be unique; a random 63-bit number, as browsers do.
        Span<byte> random = stackalloc byte[8];
        RandomNumberGenerator.Fill(random);
        ulong sessionId = BinaryPrimitives.ReadUInt64BigEndian(random) >> 1;

        Line(sdp, "v=0");
        Line(sdp, $"o=- {sessionId.ToString(CultureInfo.InvariantCulture)} 2 IN IP4 127.0.0.1");
        Line(sdp, "s=-");
        Line(sdp, "t=0 0");

        // RFC 8843 7.3.1: the answer's BUNDLE group lists every accepted mid and no rejected one.
        Line(sdp, "a=group:BUNDLE " + string.Join(' ', negotiated.OfType<NegotiatedMedia>().Select(m => m.Mid)));
        Line(sdp, "a=msid-semantic: WMS *");

        // RFC 8445 2.5 / RFC 8839 5.3: a lite agent says so, and the browser then takes the controlling role.
        Line(sdp, "a=ice-lite");
        for (int i = 0; i < offered.Count; i++)
        {
            if (negotiated[i] is NegotiatedMedia media)
            {
                WriteSection(sdp, offered[i], media, local, streamId);
            }
            else
            {
                WriteRejected(sdp, offered[i]);
            }
        }

        return sdp.ToString();
    }

    private static void WriteSection(StringBuilder sdp, SdpMediaSection offered, NegotiatedMedia media, Transport local, string streamId)
    {
        SdpCodec[] codecs = media.Rtx is null ? [media.Codec] : [media.Codec, media.Rtx];
        string kind = media.Kind == MediaKind.Audio ? "audio" : "video";
        Line(sdp, $"m={kind} {Number(local.Port)} {SdpAnswerBuilder.RtpProtocol} {string.Join(' ', codecs.Select(c => Number(c.PayloadType)))}");
        Line(sdp, $"c=IN {local.AddressType} {local.Ip}");

        // RFC 8839 5.1: the full candidate list is known up front, so it is closed right away.
        Line(sdp, $"a=candidate:1 1 udp {HostCandidatePriority.ToString(CultureInfo.InvariantCulture)} {local.Ip} {Number(local.Port)} typ host");
        Line(sdp, "a=end-of-candidates");
        Line(sdp, "a=ice-ufrag:" + local.IceUfrag);
        Line(sdp, "a=ice-pwd:" + local.IcePwd);
        Line(sdp, "a=fingerprint:" + local.Fingerprint);
        Line(sdp, "a=setup:" + local.Setup);
        Line(sdp, "a=mid:" + media.Mid);
        foreach (SdpExtension extension in media.Extensions)
        {
            Line(sdp, $"a=extmap:{Number(extension.Id)} {extension.Uri}");
        }

        Line(sdp, "a=" + SdpSyntax.DirectionName(media.BridgeDirection));

        // RFC 8830 2: the browser maps the slot to a MediaStreamTrack through msid; the track id is
        // derived from the mid, which is unique in the session.
        string msid = $"{streamId} {kind}{media.Mid}";
        if (media.Slot is not null)
        {
            Line(sdp, "a=msid:" + msid);
        }

        Line(sdp, "a=rtcp-mux");
        if (offered.RtcpRsize)
        {
            Line(sdp, "a=rtcp-rsize");
        }

        foreach (SdpCodec codec in codecs)
        {
            WriteCodec(sdp, codec);
        }

        if (media.Slot is not null)
        {
            WriteSlot(sdp, media.Slot, streamId, msid);
        }
    }

    private static void WriteCodec(StringBuilder sdp, SdpCodec codec)
    {
        string channels = codec.Channels == 1 ? string.Empty : "/" + Number(codec.Channels);
        Line(sdp, $"a=rtpmap:{Number(codec.PayloadType)} {codec.Name}/{Number(codec.ClockRate)}{channels}");
        foreach (string feedback in codec.RtcpFeedback)
        {
            Line(sdp, $"a=rtcp-fb:{Number(codec.PayloadType)} {feedback}");
        }

        if (codec.Fmtp is not null)
        {
            Line(sdp, $"a=fmtp:{Number(codec.PayloadType)} {codec.Fmtp}");
        }
    }

    private static void WriteSlot(StringBuilder sdp, SlotSsrc slot, string cname, string msid)
    {
        // RFC 5576 4: ssrc lines let the browser bind incoming SSRCs to this section before the first
        // packet carries a mid; RFC 4588 8.2: FID pairs the media SSRC with its retransmission SSRC.
        if (slot.RtxSsrc is uint rtx)
        {
            Line(sdp, $"a=ssrc-group:FID {Number(slot.Ssrc)} {Number(rtx)}");
        }

        foreach (uint ssrc in slot.RtxSsrc is uint r ? [slot.Ssrc, r] : new[] { slot.Ssrc })
        {
            Line(sdp, $"a=ssrc:{Number(ssrc)} cname:{cname}");
            Line(sdp, $"a=ssrc:{Number(ssrc)} msid:{msid}");
        }
    }

    private static void WriteRejected(StringBuilder sdp, SdpMediaSection offered)
    {
        // RFC 3264 6 / RFC 8829 5.3.1: a rejected section keeps media type, protocol and formats, gets
        // port 0, and keeps its mid so the browser can match it to its transceiver.
        string formats = offered.Formats.Count == 0 ? "0" : string.Join(' ', offered.Formats);
        Line(sdp, $"m={offered.Kind} 0 {offered.Protocol} {formats}");
        Line(sdp, "c=IN IP4 0.0.0.0");
        Line(sdp, "a=mid:" + offered.Mid);
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Line(StringBuilder sdp, string line) => sdp.Append(line).Append("\r\n");
}
