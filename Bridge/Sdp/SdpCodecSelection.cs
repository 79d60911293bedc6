namespace Bridge.Sdp;

/// <summary>Picks what the bridge accepts from an offered m-section: Opus or VP8, VP8's RTX, the allowed header extensions.</summary>
internal static class SdpCodecSelection
{
    /// <summary>Video feedback the bridge handles: NACK and PLI (RFC 4585 4.2), FIR (RFC 5104 7.2), REMB (draft-alvestrand-rmcat-remb).</summary>
    private static readonly string[] VideoFeedback = ["nack", "nack pli", "ccm fir", "goog-remb"];

    /// <summary>
    /// The first Opus (48000 Hz, 2 channels as RFC 7587 7 requires) or VP8 (90000 Hz) codec of the section,
    /// with its feedback cut down to what the bridge implements; null when the section offers neither.
    /// </summary>
    public static SdpCodec? SelectMedia(SdpMediaSection section, MediaKind kind)
    {
        foreach (SdpCodec codec in section.Codecs)
        {
            if (kind == MediaKind.Audio && codec.Name.Equals("opus", StringComparison.OrdinalIgnoreCase) && codec.ClockRate == 48000 && codec.Channels == 2)
            {
                // Audio needs no feedback: the bridge neither retransmits nor reacts to transport-cc for Opus.
                return codec with { RtcpFeedback = [] };
            }

            if (kind == MediaKind.Video && codec.Name.Equals("VP8", StringComparison.OrdinalIgnoreCase) && codec.ClockRate == 90000)
            {
                var kept = codec.RtcpFeedback.Where(fb => VideoFeedback.Contains(fb, StringComparer.OrdinalIgnoreCase)).ToList();
                return codec with { RtcpFeedback = kept };
            }
        }

        return null;
    }

    /// <summary>The RTX format whose apt names the media codec (RFC 4588 8.1), or null.</summary>
    public static SdpCodec? SelectRtx(SdpMediaSection section, SdpCodec media)
    {
        foreach (SdpCodec codec in section.Codecs)
        {
            if (codec.Name.Equals("rtx", StringComparison.OrdinalIgnoreCase) && codec.ClockRate == media.ClockRate && AssociatedPayloadType(codec.Fmtp) == media.PayloadType)
            {
                return codec with { RtcpFeedback = [] };
            }
        }

        return null;
    }

    /// <summary>The offered extensions whose URI is allowed, with the offer's ids (RFC 8285 6: the answer keeps the offerer's ids), each URI once.</summary>
    public static IReadOnlyList<SdpExtension> SelectExtensions(SdpMediaSection section, IReadOnlyCollection<string> allowedUris)
    {
        var kept = new List<SdpExtension>();
        foreach (SdpExtension extension in section.Extensions)
        {
            if (allowedUris.Contains(extension.Uri, StringComparer.Ordinal) && !kept.Exists(k => k.Uri == extension.Uri))
            {
                kept.Add(extension);
            }
        }

        return kept;
    }

    private static int? AssociatedPayloadType(string? fmtp)
    {
        foreach (string parameter in (fmtp ?? string.Empty).Split(';', StringSplitOptions.TrimEntries))
        {
            if (parameter.StartsWith("apt=", StringComparison.Ordinal) && SdpSyntax.TryParseInt(parameter.AsSpan(4), 0, 127, out int apt))
            {
                return apt;
            }
        }

        return null;
    }
}
