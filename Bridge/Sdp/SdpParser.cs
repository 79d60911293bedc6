namespace Bridge.Sdp;

/// <summary>Parses browser SDP (RFC 8866 with the WebRTC attributes of RFC 8829) into an <see cref="SdpOffer"/>; hostile input yields an error, never an exception.</summary>
public static class SdpParser
{
    /// <summary>Largest SDP accepted, in characters; a Chromium offer with audio and video is about 6 KB.</summary>
    public const int MaxLength = 64 * 1024;

    /// <summary>Most m-lines accepted in one SDP.</summary>
    public const int MaxMediaSections = 64;

    /// <summary>
    /// Parses an SDP offer (or any SDP of the same shape, such as the bridge's own answer). Every audio or
    /// video section with a non-zero port must end up with ice-ufrag, ice-pwd, a fingerprint and rtcp-mux.
    /// </summary>
    /// <param name="sdp">SDP text with CRLF or LF line endings.</param>
    /// <param name="offer">The parsed offer, or null on failure.</param>
    /// <param name="error">What is wrong, e.g. "m-line 1: bad rtpmap", or null on success.</param>
    public static bool TryParseOffer(string sdp, out SdpOffer? offer, out string? error)
    {
        offer = null;
        if (string.IsNullOrEmpty(sdp))
        {
            error = "empty SDP";
            return false;
        }

        if (sdp.Length > MaxLength)
        {
            error = $"SDP longer than {MaxLength} characters";
            return false;
        }

        var session = new SdpTransportAttributes();
        var sections = new List<SdpMediaSectionReader>();
        List<string>? bundle = null;
        int lineNumber = 0;
        int position = 0;
        while (position < sdp.Length)
        {
            int newline = sdp.IndexOf('\n', position);
            int end = newline < 0 ? sdp.Length : newline;
            ReadOnlySpan<char> line = sdp.AsSpan(position, end - position);
            position = end + 1;
            lineNumber++;
            if (line.EndsWith('\r'))
            {
                line = line[..^1];
            }

            if (line.IsEmpty)
            {
                continue;
            }

            string? lineError = ReadLine(line, lineNumber, session, sections, ref bundle);
            if (lineError is not null)
            {
                error = lineError;
                return false;
            }
        }

        return TryFinish(session, sections, bundle ?? [], out offer, out error);
    }

    private static string? ReadLine(ReadOnlySpan<char> line, int lineNumber, SdpTransportAttributes session, List<SdpMediaSectionReader> sections, ref List<string>? bundle)
    {
        // RFC 8866 5: every line is <type>=<value> with a single lower-case letter type.
        if (line.Length < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z' || !SdpSyntax.IsPrintable(line))
        {
            return $"line {lineNumber}: malformed";
        }

        ReadOnlySpan<char> value = line[2..];
        if (lineNumber == 1 != (line[0] == 'v'))
        {
            return lineNumber == 1 ? "first line is not v=" : $"line {lineNumber}: v= after the first line";
        }

        switch (line[0])
        {
            case 'v':
                return value is "0" ? null : "unsupported SDP version";
            case 'm':
                if (sections.Count == MaxMediaSections)
                {
                    return $"more than {MaxMediaSections} m-lines";
                }

                SdpMediaSectionReader? section = SdpMediaSectionReader.TryStart(sections.Count, value);
                if (section is null)
                {
                    return $"m-line {sections.Count}: bad m-line";
                }

                sections.Add(section);
                return null;
            case 'a':
                return ReadAttribute(value, session, sections, ref bundle);
            default:
                // o=, s=, t=, c=, b= and the rest carry nothing an ICE-lite bridge uses: the browser's
                // address comes from its STUN checks, not from c= (RFC 8839 5.1).
                return null;
        }
    }

    private static string? ReadAttribute(ReadOnlySpan<char> attribute, SdpTransportAttributes session, List<SdpMediaSectionReader> sections, ref List<string>? bundle)
    {
        int colon = attribute.IndexOf(':');
        ReadOnlySpan<char> name = colon < 0 ? attribute : attribute[..colon];
        ReadOnlySpan<char> value = colon < 0 ? default : attribute[(colon + 1)..].Trim(' ');
        if (!SdpSyntax.IsToken(name))
        {
            return "bad attribute name";
        }

        if (sections.Count > 0)
        {
            return sections[^1].TryAdd(name, value, out string? error) ? null : $"m-line {sections.Count - 1}: {error}";
        }

        if (name is "group")
        {
            return ReadGroup(value, ref bundle);
        }

        return session.TryApply(name, value, out string? sessionError) == AttributeOutcome.Invalid ? sessionError : null;
    }

    private static string? ReadGroup(ReadOnlySpan<char> value, ref List<string>? bundle)
    {
        // RFC 5888 5: a=group:<semantics> *(SP <mid>). Only the first BUNDLE group is used: every
        // browser puts all bundled sections in one group, and the bridge serves one transport.
        string[] parts = value.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || !parts.All(p => SdpSyntax.IsToken(p)))
        {
            return "bad group";
        }

        if (parts[0] is "BUNDLE" && bundle is null)
        {
            bundle = [.. parts[1..]];
            if (bundle.Distinct(StringComparer.Ordinal).Count() != bundle.Count)
            {
                return "bad group";
            }
        }

        return null;
    }

    private static bool TryFinish(SdpTransportAttributes session, List<SdpMediaSectionReader> sections, List<string> bundle, out SdpOffer? offer, out string? error)
    {
        offer = null;
        if (sections.Count == 0)
        {
            error = "no m-lines";
            return false;
        }

        var media = new List<SdpMediaSection>(sections.Count);
        var mids = new HashSet<string>(StringComparer.Ordinal);
        foreach (SdpMediaSectionReader reader in sections)
        {
            SdpMediaSection section = reader.Build(session);
            error = Check(section, mids);
            if (error is not null)
            {
                error = $"m-line {section.Index}: {error}";
                return false;
            }

            media.Add(section);
        }

        if (bundle.Find(m => !mids.Contains(m)) is not null)
        {
            error = "BUNDLE group names an unknown mid";
            return false;
        }

        // Unified Plan browsers repeat the transport attributes in every m-section (RFC 8843 7.1.3);
        // the session value wins, else the first section that has one speaks for the bundle.
        offer = new SdpOffer(
            media,
            session.IceUfrag ?? media.Find(m => m.IceUfrag is not null)?.IceUfrag,
            session.IcePwd ?? media.Find(m => m.IcePwd is not null)?.IcePwd,
            session.Fingerprint ?? media.Find(m => m.Fingerprint is not null)?.Fingerprint,
            session.Setup ?? media.Find(m => m.Setup is not null)?.Setup,
            bundle);
        error = null;
        return true;
    }

    private static string? Check(SdpMediaSection section, HashSet<string> mids)
    {
        // RFC 8829 5.8: every m-section of a WebRTC SDP carries a mid, unique in the session.
        if (section.Mid.Length == 0)
        {
            return "no mid";
        }

        if (!mids.Add(section.Mid))
        {
            return "duplicate mid";
        }

        // Only live audio/video over RTP is ever accepted, so only it must carry a usable transport.
        bool liveRtp = !section.Rejected && section.Kind is "audio" or "video" && section.Protocol.Contains("RTP/", StringComparison.Ordinal);
        if (!liveRtp)
        {
            return null;
        }

        if (section.IceUfrag is null)
        {
            return "no ice-ufrag";
        }

        if (section.IcePwd is null)
        {
            return "no ice-pwd";
        }

        if (section.Fingerprint is null)
        {
            return "no fingerprint";
        }

        // RFC 8829 5.1.1: WebRTC requires RTP and RTCP on one port; the bridge has no separate RTCP socket.
        return section.RtcpMux ? null : "no rtcp-mux";
    }
}
