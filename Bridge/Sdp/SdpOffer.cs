namespace Bridge.Sdp;

/// <summary>One payload type of an m-section: its a=rtpmap, a=fmtp and a=rtcp-fb lines (RFC 8866 6.6, RFC 4585 4.2).</summary>
/// <param name="PayloadType">RTP payload type, 0..127.</param>
/// <param name="Name">Encoding name as written in the rtpmap, e.g. "opus", "VP8", "rtx".</param>
/// <param name="ClockRate">RTP clock rate in Hz.</param>
/// <param name="Channels">Audio channel count; 1 when the rtpmap has none.</param>
/// <param name="Fmtp">Format parameters after the payload type, e.g. "apt=96", or null.</param>
/// <param name="RtcpFeedback">rtcp-fb values after the payload type, e.g. "nack pli", with single spaces.</param>
public sealed record SdpCodec(int PayloadType, string Name, int ClockRate, int Channels, string? Fmtp, IReadOnlyList<string> RtcpFeedback);

/// <summary>An a=extmap line: a negotiated RTP header extension id and its URI (RFC 8285 5).</summary>
/// <param name="Id">Local identifier carried in RTP packets, 1..14 or 16..255.</param>
/// <param name="Uri">Extension URI, compared byte for byte.</param>
public sealed record SdpExtension(int Id, string Uri);

/// <summary>An SSRC announced with a=ssrc lines (RFC 5576 4.1) and its cname and msid attributes when given.</summary>
/// <param name="Ssrc">The synchronization source.</param>
/// <param name="Cname">Value of the cname attribute, or null.</param>
/// <param name="Msid">Value of the msid attribute ("stream track"), else the m-section's a=msid, or null.</param>
public sealed record SdpSsrc(uint Ssrc, string? Cname, string? Msid);

/// <summary>One parsed m-section; transport fields hold the effective value (media level, else session level).</summary>
/// <param name="Index">Zero-based position of the m-line in the SDP (the sdpMLineIndex).</param>
/// <param name="Kind">Media type of the m-line: "audio", "video", "application" or anything else offered.</param>
/// <param name="Mid">The a=mid value (RFC 5888).</param>
/// <param name="Direction">Direction attribute, inherited from session level, sendrecv by default.</param>
/// <param name="Codecs">Payload types of the m-line that carry an rtpmap, in m-line order.</param>
/// <param name="Extensions">a=extmap lines in SDP order.</param>
/// <param name="Ssrcs">SSRCs in order of first a=ssrc appearance.</param>
/// <param name="FidGroups">a=ssrc-group:FID groups, each [media ssrc, rtx ssrc] (RFC 4588 8.2).</param>
/// <param name="RtcpMux">a=rtcp-mux present (RFC 5761 5.1.3).</param>
/// <param name="RtcpRsize">a=rtcp-rsize present (RFC 5506 5).</param>
/// <param name="IceUfrag">ICE username fragment (RFC 8839 5.4).</param>
/// <param name="IcePwd">ICE password (RFC 8839 5.4).</param>
/// <param name="Fingerprint">Certificate fingerprint "algorithm HEX:HEX..." (RFC 8122 5).</param>
/// <param name="Setup">DTLS role attribute value: actpass, active, passive or holdconn (RFC 4145 4).</param>
public sealed record SdpMediaSection(
    int Index,
    string Kind,
    string Mid,
    MediaDirection Direction,
    IReadOnlyList<SdpCodec> Codecs,
    IReadOnlyList<SdpExtension> Extensions,
    IReadOnlyList<SdpSsrc> Ssrcs,
    IReadOnlyList<IReadOnlyList<uint>> FidGroups,
    bool RtcpMux,
    bool RtcpRsize,
    string? IceUfrag,
    string? IcePwd,
    string? Fingerprint,
    string? Setup)
{
    /// <summary>True when the m-line port is 0: the offerer rejected or stopped this section (RFC 3264 6).</summary>
    public bool Rejected { get; init; }

    /// <summary>Transport protocol of the m-line, e.g. "UDP/TLS/RTP/SAVPF" or "UDP/DTLS/SCTP".</summary>
    public string Protocol { get; init; } = "UDP/TLS/RTP/SAVPF";

    /// <summary>The m-line format list as written, echoed when the section is answered with port 0.</summary>
    public IReadOnlyList<string> Formats { get; init; } = [];

    /// <summary>The a=ssrc-group:SIM SSRCs, lowest layer first (munged simulcast), or empty.</summary>
    public IReadOnlyList<uint> SimGroup { get; init; } = [];
}

/// <summary>A parsed SDP offer: its m-sections and the session's transport parameters.</summary>
/// <param name="Media">All m-sections in SDP order, including rejected and non-RTP ones.</param>
/// <param name="IceUfrag">Session-level ice-ufrag, else the first m-section's.</param>
/// <param name="IcePwd">Session-level ice-pwd, else the first m-section's.</param>
/// <param name="Fingerprint">Fingerprint "sha-256 AB:..." at session level, else the first m-section's.</param>
/// <param name="Setup">Session-level setup value, else the first m-section's, or null when never given.</param>
/// <param name="Bundle">Mids of the first a=group:BUNDLE line, in its order (RFC 8843 7.1).</param>
public sealed record SdpOffer(IReadOnlyList<SdpMediaSection> Media, string? IceUfrag, string? IcePwd, string? Fingerprint, string? Setup, IReadOnlyList<string> Bundle);
