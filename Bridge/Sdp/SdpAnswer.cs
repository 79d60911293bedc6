namespace Bridge.Sdp;

/// <summary>The bridge's own transport parameters written into every answer.</summary>
/// <param name="IceUfrag">ICE username fragment, 4..256 ice-chars (RFC 8839 5.4).</param>
/// <param name="IcePwd">ICE password, 22..256 ice-chars.</param>
/// <param name="FingerprintAlgorithm">Hash function name of the certificate fingerprint, e.g. "sha-256".</param>
/// <param name="Fingerprint">Certificate fingerprint as upper- or lower-case hex bytes joined by colons.</param>
/// <param name="CandidateIp">IPv4 or IPv6 address of the single host candidate.</param>
/// <param name="CandidatePort">UDP port of the single host candidate, 1..65535.</param>
public sealed record BridgeTransportInfo(string IceUfrag, string IcePwd, string FingerprintAlgorithm, string Fingerprint, string CandidateIp, int CandidatePort);

/// <summary>SSRCs the bridge sends a receiver slot with: the media SSRC and, for video, its RTX SSRC.</summary>
/// <param name="Ssrc">Media SSRC.</param>
/// <param name="RtxSsrc">Retransmission SSRC (RFC 4588), signalled only when RTX is negotiated.</param>
public sealed record SlotSsrc(uint Ssrc, uint? RtxSsrc);

/// <summary>What the answer settled for one m-section that is not rejected (active or inactive).</summary>
/// <param name="Mid">The section's mid, also its RTP mid header extension value.</param>
/// <param name="Kind">Audio or video.</param>
/// <param name="BridgeDirection">Direction written in the answer: recvonly (publisher), sendonly (receiver) or inactive.</param>
/// <param name="Codec">The one media codec accepted: Opus for audio, VP8 for video, with the offer's payload type.</param>
/// <param name="Rtx">The RTX payload type bound to <paramref name="Codec"/> (apt), or null.</param>
/// <param name="Extensions">Header extensions accepted, with the offer's ids.</param>
/// <param name="RemoteSsrcs">SSRCs the browser announced in this section.</param>
/// <param name="RemoteFidGroups">The browser's FID groups [media, rtx].</param>
/// <param name="Slot">The bridge's SSRCs signalled for a receiver section, else null.</param>
public sealed record NegotiatedMedia(
    string Mid,
    MediaKind Kind,
    MediaDirection BridgeDirection,
    SdpCodec Codec,
    SdpCodec? Rtx,
    IReadOnlyList<SdpExtension> Extensions,
    IReadOnlyList<SdpSsrc> RemoteSsrcs,
    IReadOnlyList<IReadOnlyList<uint>> RemoteFidGroups,
    SlotSsrc? Slot)
{
    /// <summary>The browser's a=ssrc-group:SIM SSRCs, lowest layer first, or empty.</summary>
    public IReadOnlyList<uint> RemoteSimGroup { get; init; } = [];
}

/// <summary>The answer text and everything the media path needs from the negotiation.</summary>
/// <param name="Sdp">Answer SDP with CRLF line endings.</param>
/// <param name="Media">Negotiated m-sections in SDP order, rejected (port 0) sections left out.</param>
/// <param name="BridgeIsDtlsClient">True when the bridge answered setup:active and must start the DTLS handshake (RFC 5763 5).</param>
/// <param name="RemoteFingerprint">The browser's certificate fingerprint "algorithm HEX:...", to check its DTLS certificate.</param>
/// <param name="RemoteIceUfrag">The browser's ICE ufrag: its checks carry STUN USERNAME "bridgeUfrag:remoteUfrag" (RFC 8445 7.2.2).</param>
/// <param name="RemoteIcePwd">The browser's ICE password; an ICE-lite agent sends no checks, so it is kept only for completeness (RFC 8445 2.5).</param>
/// <param name="RtcpRsize">True when every accepted section offered reduced-size RTCP (RFC 5506).</param>
public sealed record SdpAnswer(string Sdp, IReadOnlyList<NegotiatedMedia> Media, bool BridgeIsDtlsClient, string RemoteFingerprint, string RemoteIceUfrag, string RemoteIcePwd, bool RtcpRsize);
