using System.Globalization;
using System.Text;
using Bridge.Dtls;

namespace Bridge.Client;

/// <summary>Writes SDP offers as Chromium does (BUNDLE, rtcp-mux, Opus and VP8 with RTX) for the browser stand-ins.</summary>
public static class SdpOfferWriter
{
    /// <summary>
    /// Sending sections with SSRCs when <paramref name="publish"/> (and recvonly ones too when
    /// <paramref name="receiveToo"/>), else <paramref name="recvAudio"/> audio and <paramref name="recvVideo"/> video recvonly sections.
    /// </summary>
    public static string Write(string ufrag, string password, DtlsCertificate certificate, bool publish, uint audioSsrc, uint videoSsrc, int recvAudio, int recvVideo, bool receiveToo)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var sb = new StringBuilder();
        var mids = new List<string>();
        void Section(string kind, string mid, string direction, uint ssrc)
        {
            mids.Add(mid);
            var audio = kind == "audio";
            sb.Append("m=").Append(kind).Append(" 9 UDP/TLS/RTP/SAVPF ").Append(audio ? "111" : "96 97").Append("\r\n");
            sb.Append("c=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n");
            sb.Append("a=ice-ufrag:").Append(ufrag).Append("\r\na=ice-pwd:").Append(password).Append("\r\n");
            sb.Append("a=fingerprint:").Append(certificate.FingerprintAlgorithm).Append(' ').Append(certificate.Fingerprint).Append("\r\n");
            sb.Append("a=setup:actpass\r\na=mid:").Append(mid).Append("\r\na=").Append(direction).Append("\r\na=rtcp-mux\r\na=rtcp-rsize\r\n");
            if (audio)
            {
                sb.Append("a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n");
            }
            else
            {
                sb.Append("a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 goog-remb\r\na=rtcp-fb:96 ccm fir\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\n");
                sb.Append("a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n");
            }
            if (ssrc != 0)
            {
                sb.Append("a=msid:stream ").Append(kind).Append("track\r\n");
                sb.Append("a=ssrc:").Append(ssrc).Append(" cname:peer\r\n");
            }
        }

        if (publish)
        {
            Section("audio", "0", "sendonly", audioSsrc);
            Section("video", "1", "sendonly", videoSsrc);
        }
        if (!publish || receiveToo)
        {
            var first = publish ? 2 : 0;
            for (var i = 0; i < recvAudio + recvVideo; i++)
            {
                Section(i < recvAudio ? "audio" : "video", (first + i).ToString(CultureInfo.InvariantCulture), "recvonly", 0);
            }
        }
        return "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE " + string.Join(' ', mids) + "\r\na=msid-semantic: WMS stream\r\n" + sb;
    }
}
