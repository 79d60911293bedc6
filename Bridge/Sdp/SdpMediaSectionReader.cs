namespace Bridge.Sdp;

/// <summary>Collects the lines of one m-section while the parser walks the SDP, then freezes them into a <see cref="SdpMediaSection"/>.</summary>
internal sealed class SdpMediaSectionReader
{
    private readonly int index;
    private readonly string kind;
    private readonly bool rejected;
    private readonly string protocol;
    private readonly string[] formats;
    private readonly List<int>? payloadTypes;
    private readonly Dictionary<int, (string Name, int ClockRate, int Channels)> rtpmaps = [];
    private readonly Dictionary<int, string> fmtps = [];
    private readonly Dictionary<int, List<string>> feedback = [];
    private readonly List<string> wildcardFeedback = [];
    private readonly List<SdpExtension> extensions = [];
    private readonly List<uint> ssrcOrder = [];
    private readonly Dictionary<uint, (string? Cname, string? Msid)> ssrcs = [];
    private readonly List<IReadOnlyList<uint>> fidGroups = [];
    private readonly SdpTransportAttributes transport = new();
    private uint[] simGroup = [];
    private string? mid;
    private string? msid;
    private bool rtcpMux;
    private bool rtcpRsize;

    private SdpMediaSectionReader(int index, string kind, bool rejected, string protocol, string[] formats, List<int>? payloadTypes)
    {
        this.index = index;
        this.kind = kind;
        this.rejected = rejected;
        this.protocol = protocol;
        this.formats = formats;
        this.payloadTypes = payloadTypes;
    }

    /// <summary>Parses "media port proto fmt..." (RFC 8866 5.14); RTP protocols must list payload types 0..127.</summary>
    public static SdpMediaSectionReader? TryStart(int index, ReadOnlySpan<char> mLine)
    {
        string[] fields = mLine.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);

        // proto is token *("/" token). A port with "/count" (RFC 8866 5.14) describes several
        // transports, which WebRTC never uses.
        if (fields.Length < 4 || !SdpSyntax.IsToken(fields[0]) || !SdpSyntax.TryParseInt(fields[1], 0, 65535, out int port) || !fields[2].Split('/').All(t => SdpSyntax.IsToken(t)))
        {
            return null;
        }

        string[] formats = fields[3..];
        List<int>? payloadTypes = null;
        if (fields[2].Contains("RTP/", StringComparison.Ordinal))
        {
            payloadTypes = new List<int>(formats.Length);
            foreach (string format in formats)
            {
                if (!SdpSyntax.TryParseInt(format, 0, 127, out int pt) || payloadTypes.Contains(pt))
                {
                    return null;
                }

                payloadTypes.Add(pt);
            }
        }
        else if (!formats.All(f => SdpSyntax.IsToken(f)))
        {
            return null;
        }

        return new SdpMediaSectionReader(index, fields[0], port == 0, fields[2], formats, payloadTypes);
    }

    /// <summary>Takes one media-level attribute; returns false with the problem's name when it is malformed.</summary>
    public bool TryAdd(ReadOnlySpan<char> name, ReadOnlySpan<char> value, out string? error)
    {
        switch (transport.TryApply(name, value, out error))
        {
            case AttributeOutcome.Accepted: return true;
            case AttributeOutcome.Invalid: return false;
        }

        bool ok = name switch
        {
            "mid" => TrySetMid(value),
            "msid" => TrySetMsid(value),
            "rtcp-mux" => SetFlag(ref rtcpMux),
            "rtcp-rsize" => SetFlag(ref rtcpRsize),
            "rtpmap" => TryAddRtpmap(value),
            "fmtp" => TryAddFmtp(value),
            "rtcp-fb" => TryAddFeedback(value),
            "extmap" => TryAddExtmap(value),
            "ssrc" => TryAddSsrc(value),
            "ssrc-group" => TryAddSsrcGroup(value),
            _ => true,
        };
        error = ok ? null : "bad " + name.ToString();
        return ok;
    }

    /// <summary>
    /// Freezes the section, taking transport attributes and direction from the session where this section has
    /// none; a section without a=mid gets an empty mid, which no valid mid can be.
    /// </summary>
    public SdpMediaSection Build(SdpTransportAttributes session)
    {
        var codecs = new List<SdpCodec>();
        foreach (int pt in payloadTypes ?? [])
        {
            if (rtpmaps.TryGetValue(pt, out var map))
            {
                List<string> fb = feedback.TryGetValue(pt, out var own) ? [.. own, .. wildcardFeedback] : [.. wildcardFeedback];
                codecs.Add(new SdpCodec(pt, map.Name, map.ClockRate, map.Channels, fmtps.GetValueOrDefault(pt), fb));
            }
        }

        var ssrcList = ssrcOrder.Select(s => new SdpSsrc(s, ssrcs[s].Cname, ssrcs[s].Msid ?? msid)).ToList();
        return new SdpMediaSection(
            index,
            kind,
            mid ?? string.Empty,
            transport.Direction ?? session.Direction ?? MediaDirection.SendRecv,
            codecs,
            [.. extensions],
            ssrcList,
            [.. fidGroups],
            rtcpMux,
            rtcpRsize,
            transport.IceUfrag ?? session.IceUfrag,
            transport.IcePwd ?? session.IcePwd,
            transport.Fingerprint ?? session.Fingerprint,
            transport.Setup ?? session.Setup)
        {
            Rejected = rejected,
            Protocol = protocol,
            Formats = formats,
            SimGroup = simGroup,
        };
    }

    private static bool SetFlag(ref bool flag)
    {
        flag = true;
        return true;
    }

    private bool TrySetMid(ReadOnlySpan<char> value)
    {
        if (mid is not null || !SdpSyntax.IsToken(value, SdpSyntax.MaxMidLength))
        {
            return false;
        }

        mid = value.ToString();
        return true;
    }

    private bool TrySetMsid(ReadOnlySpan<char> value)
    {
        // RFC 8830 2: msid-id [ SP msid-appdata ]; the stream id may be "-" for a track without stream.
        string[] parts = value.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (msid is not null || parts.Length is < 1 or > 2 || !parts.All(p => SdpSyntax.IsToken(p, SdpSyntax.MaxMsidIdLength)))
        {
            return false;
        }

        msid = string.Join(' ', parts);
        return true;
    }

    private bool TryAddRtpmap(ReadOnlySpan<char> value)
    {
        // RFC 8866 6.6: <payload type> <encoding name>/<clock rate>[/<encoding parameters>]
        if (!TrySplitPayloadType(value, out int pt, out ReadOnlySpan<char> rest) || rtpmaps.ContainsKey(pt))
        {
            return false;
        }

        string[] parts = rest.ToString().Split('/');
        int channels = 1;
        if (parts.Length is < 2 or > 3
            || !SdpSyntax.IsToken(parts[0])
            || !SdpSyntax.TryParseInt(parts[1], 1, int.MaxValue, out int clockRate)
            || (parts.Length == 3 && !SdpSyntax.TryParseInt(parts[2], 1, 255, out channels)))
        {
            return false;
        }

        rtpmaps[pt] = (parts[0], clockRate, channels);
        return true;
    }

    private bool TryAddFmtp(ReadOnlySpan<char> value)
    {
        if (!TrySplitPayloadType(value, out int pt, out ReadOnlySpan<char> rest) || fmtps.ContainsKey(pt))
        {
            return false;
        }

        fmtps[pt] = rest.ToString();
        return true;
    }

    private bool TryAddFeedback(ReadOnlySpan<char> value)
    {
        // RFC 4585 4.2: rtcp-fb-pt SP rtcp-fb-val, where the payload type may be "*" for all formats.
        int space = value.IndexOf(' ');
        if (space <= 0)
        {
            return false;
        }

        string[] words = value[(space + 1)..].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || !words.All(w => SdpSyntax.IsToken(w)))
        {
            return false;
        }

        string fb = string.Join(' ', words);
        if (value[..space] is "*")
        {
            wildcardFeedback.Add(fb);
            return true;
        }

        if (!SdpSyntax.TryParseInt(value[..space], 0, 127, out int pt))
        {
            return false;
        }

        if (!feedback.TryGetValue(pt, out var list))
        {
            feedback[pt] = list = [];
        }

        list.Add(fb);
        return true;
    }

    private bool TryAddExtmap(ReadOnlySpan<char> value)
    {
        // RFC 8285 5: extmap:<value>["/"<direction>] <URI> <extensionattributes>. Id 15 is reserved
        // in the one-byte form (4.2); 256..4095 are not valid in an offer.
        string[] parts = value.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2)
        {
            return false;
        }

        string[] idAndDirection = parts[0].Split('/');
        if (idAndDirection.Length > 2
            || !SdpSyntax.TryParseInt(idAndDirection[0], 1, 255, out int id)
            || id == 15
            || (idAndDirection.Length == 2 && !SdpSyntax.TryParseDirection(idAndDirection[1], out _))
            || extensions.Exists(e => e.Id == id))
        {
            return false;
        }

        extensions.Add(new SdpExtension(id, parts[1]));
        return true;
    }

    private bool TryAddSsrc(ReadOnlySpan<char> value)
    {
        // RFC 5576 4.1: a=ssrc:<ssrc-id> <attribute>[:<value>]
        int space = value.IndexOf(' ');
        if (space <= 0 || !SdpSyntax.TryParseSsrc(value[..space], out uint ssrc))
        {
            return false;
        }

        ReadOnlySpan<char> attribute = value[(space + 1)..];
        int colon = attribute.IndexOf(':');
        ReadOnlySpan<char> attributeName = colon < 0 ? attribute : attribute[..colon];
        string attributeValue = colon < 0 ? string.Empty : attribute[(colon + 1)..].Trim(' ').ToString();
        if (!SdpSyntax.IsToken(attributeName))
        {
            return false;
        }

        if (!ssrcs.TryGetValue(ssrc, out var entry))
        {
            ssrcOrder.Add(ssrc);
        }

        if (attributeName is "cname")
        {
            if (attributeValue.Length == 0)
            {
                return false;
            }

            entry.Cname = attributeValue;
        }
        else if (attributeName is "msid")
        {
            entry.Msid = attributeValue;
        }

        ssrcs[ssrc] = entry;
        return true;
    }

    private bool TryAddSsrcGroup(ReadOnlySpan<char> value)
    {
        // RFC 5576 4.2: a=ssrc-group:<semantics> <ssrc-id> ...
        string[] parts = value.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || !SdpSyntax.IsToken(parts[0]))
        {
            return false;
        }

        var members = new uint[parts.Length - 1];
        for (int i = 0; i < members.Length; i++)
        {
            if (!SdpSyntax.TryParseSsrc(parts[i + 1], out members[i]))
            {
                return false;
            }
        }

        switch (parts[0])
        {
            case "FID":
                // RFC 4588 8.2: one original and one retransmission SSRC.
                if (members.Length != 2 || members[0] == members[1])
                {
                    return false;
                }

                fidGroups.Add(members);
                return true;
            case "SIM":
                if (simGroup.Length != 0 || members.Distinct().Count() != members.Length)
                {
                    return false;
                }

                simGroup = members;
                return true;
            default:
                return true;
        }
    }

    private static bool TrySplitPayloadType(ReadOnlySpan<char> value, out int pt, out ReadOnlySpan<char> rest)
    {
        int space = value.IndexOf(' ');
        rest = space < 0 ? default : value[(space + 1)..].Trim(' ');
        pt = 0;
        return space > 0 && SdpSyntax.TryParseInt(value[..space], 0, 127, out pt) && !rest.IsEmpty;
    }
}
