using System.Net;
using System.Net.Sockets;

namespace Bridge.Sdp;

/// <summary>Builds the bridge's ICE-lite answer to a browser offer, for a publisher (bridge receives) or a receiver (bridge sends slots).</summary>
public static class SdpAnswerBuilder
{
    /// <summary>The only RTP profile browsers offer and the bridge speaks: SRTP keyed by DTLS, with feedback (RFC 5764 8).</summary>
    internal const string RtpProtocol = "UDP/TLS/RTP/SAVPF";

    /// <summary>
    /// Answers <paramref name="offer"/>. Publisher: audio/video sections the browser sends on are answered recvonly with
    /// Opus or VP8 (+RTX). Receiver: recvonly (or sendrecv) sections are answered sendonly and given the next slot of
    /// their kind; sections beyond the slots, or that only send, are answered inactive. Sections of another kind,
    /// outside the BUNDLE group or without Opus/VP8 are rejected with port 0.
    /// </summary>
    /// <returns>False with <paramref name="error"/> when the inputs are invalid or no section is usable.</returns>
    public static bool TryBuildAnswer(
        SdpOffer offer,
        bool isPublisher,
        BridgeTransportInfo transport,
        IReadOnlyList<SlotSsrc> audioSlots,
        IReadOnlyList<SlotSsrc> videoSlots,
        string streamId,
        IReadOnlyCollection<string> allowedExtensionUris,
        out SdpAnswer? answer,
        out string? error)
    {
        answer = null;
        string? transportError = CheckTransport(transport, offer.Setup, out SdpAnswerWriter.Transport? local);
        error = CheckOffer(offer) ?? CheckSlots(audioSlots, videoSlots) ?? CheckStreamId(streamId) ?? transportError;
        if (error is not null || local is null)
        {
            return false;
        }

        var slots = new SlotQueue(audioSlots, videoSlots);
        var negotiated = new NegotiatedMedia?[offer.Media.Count];
        for (int i = 0; i < negotiated.Length; i++)
        {
            SdpMediaSection section = offer.Media[i];
            negotiated[i] = Negotiate(section, offer, isPublisher, slots, allowedExtensionUris);
            if (negotiated[i] is not null && (section.IceUfrag != offer.IceUfrag || section.IcePwd != offer.IcePwd || section.Fingerprint != offer.Fingerprint))
            {
                // All bundled sections share one ICE/DTLS transport (RFC 8843 7.1.3), so they must agree on it.
                error = $"m-line {section.Index}: transport attributes differ from the bundle's";
                return false;
            }
        }

        var accepted = negotiated.OfType<NegotiatedMedia>().ToList();
        // A publisher must send something; a receiver must have a section the bridge can send on.
        if (!accepted.Exists(m => isPublisher ? m.BridgeDirection is MediaDirection.RecvOnly or MediaDirection.SendRecv : m.BridgeDirection == MediaDirection.SendOnly))
        {
            error = isPublisher
                ? "offer sends no Opus or VP8 media in the BUNDLE group"
                : "offer has no recvonly Opus or VP8 section in the BUNDLE group that a slot can fill";
            return false;
        }

        bool rtcpRsize = offer.Media.Where((s, i) => negotiated[i] is not null).All(s => s.RtcpRsize);
        answer = new SdpAnswer(
            SdpAnswerWriter.Write(offer.Media, negotiated, local, streamId),
            accepted,
            local.Setup == "active",
            offer.Fingerprint!,
            offer.IceUfrag!,
            offer.IcePwd!,
            rtcpRsize);
        return true;
    }

    private static NegotiatedMedia? Negotiate(SdpMediaSection section, SdpOffer offer, bool isPublisher, SlotQueue slots, IReadOnlyCollection<string> allowedExtensionUris)
    {
        MediaKind kind;
        switch (section.Kind)
        {
            case "audio": kind = MediaKind.Audio; break;
            case "video": kind = MediaKind.Video; break;
            default: return null;
        }

        // RFC 8843 7.3.2: the bridge has one transport, so a section outside the BUNDLE group cannot be served.
        if (section.Rejected || section.Protocol != RtpProtocol || !offer.Bundle.Contains(section.Mid, StringComparer.Ordinal))
        {
            return null;
        }

        SdpCodec? codec = SdpCodecSelection.SelectMedia(section, kind);
        if (codec is null)
        {
            return null;
        }

        SdpCodec? rtx = kind == MediaKind.Video ? SdpCodecSelection.SelectRtx(section, codec) : null;
        MediaDirection direction = MediaDirection.Inactive;
        SlotSsrc? slot = null;
        // A publisher's sending sections are received (and, when sendrecv, also get a slot to receive
        // the others on); a recvonly section of anyone, or a receiver's sendrecv one, gets a slot.
        var receives = isPublisher && section.Direction is MediaDirection.SendOnly or MediaDirection.SendRecv;
        var wantsSlot = section.Direction is MediaDirection.RecvOnly or MediaDirection.SendRecv;
        if (wantsSlot && slots.TryTake(kind, out SlotSsrc taken))
        {
            direction = receives ? MediaDirection.SendRecv : MediaDirection.SendOnly;

            // The RTX SSRC is only signalled (and only used) when RTX itself was negotiated.
            slot = rtx is null ? taken with { RtxSsrc = null } : taken;
        }
        else if (receives)
        {
            direction = MediaDirection.RecvOnly;
        }

        return new NegotiatedMedia(
            section.Mid,
            kind,
            direction,
            codec,
            rtx,
            SdpCodecSelection.SelectExtensions(section, allowedExtensionUris),
            section.Ssrcs,
            section.FidGroups,
            slot)
        {
            RemoteSimGroup = section.SimGroup,
        };
    }

    private static string? CheckOffer(SdpOffer offer)
    {
        if (offer.IceUfrag is null || offer.IcePwd is null)
        {
            return "offer has no ICE credentials";
        }

        return offer.Fingerprint is null ? "offer has no fingerprint" : null;
    }

    private static string? CheckSlots(IReadOnlyList<SlotSsrc> audioSlots, IReadOnlyList<SlotSsrc> videoSlots)
    {
        // The browser demultiplexes by SSRC, so one SSRC may stand for one stream only (RFC 3550 8).
        var seen = new HashSet<uint>();
        foreach (SlotSsrc slot in audioSlots.Concat(videoSlots))
        {
            if (!seen.Add(slot.Ssrc) || (slot.RtxSsrc is uint rtx && !seen.Add(rtx)))
            {
                return "slot SSRCs are not distinct";
            }
        }

        return null;
    }

    private static string? CheckStreamId(string streamId) =>
        SdpSyntax.IsToken(streamId, SdpSyntax.MaxMsidIdLength) ? null : "stream id is not a 1..64 character token (RFC 8830 2)";

    private static string? CheckTransport(BridgeTransportInfo transport, string? offeredSetup, out SdpAnswerWriter.Transport? local)
    {
        local = null;
        if (!SdpSyntax.IsIceChars(transport.IceUfrag, 4, 256) || !SdpSyntax.IsIceChars(transport.IcePwd, 22, 256))
        {
            return "bridge ICE credentials are malformed";
        }

        if (!SdpSyntax.TryNormalizeFingerprint($"{transport.FingerprintAlgorithm} {transport.Fingerprint}", out string fingerprint))
        {
            return "bridge fingerprint is malformed";
        }

        if (!IPAddress.TryParse(transport.CandidateIp, out IPAddress? ip) || ip.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6) || transport.CandidatePort is < 1 or > 65535)
        {
            return "bridge candidate address is malformed";
        }

        // RFC 5763 5: the offerer says actpass; the answerer then picks. The bridge prefers to be the DTLS
        // server (passive) and takes the client role only when the browser insists on being the server.
        // A missing setup attribute is read as actpass, which is what browsers mean by it.
        string? setup = offeredSetup switch
        {
            null or "actpass" or "active" => "passive",
            "passive" => "active",
            _ => null,
        };
        if (setup is null)
        {
            return "offer setup:holdconn cannot be answered";
        }

        string addressType = ip.AddressFamily == AddressFamily.InterNetwork ? "IP4" : "IP6";
        local = new SdpAnswerWriter.Transport(transport.IceUfrag, transport.IcePwd, fingerprint, addressType, ip.ToString(), transport.CandidatePort, setup);
        return null;
    }

    /// <summary>Hands out receiver slots of each kind in order.</summary>
    private sealed class SlotQueue(IReadOnlyList<SlotSsrc> audio, IReadOnlyList<SlotSsrc> video)
    {
        private int nextAudio;
        private int nextVideo;

        public bool TryTake(MediaKind kind, out SlotSsrc slot)
        {
            IReadOnlyList<SlotSsrc> list = kind == MediaKind.Audio ? audio : video;
            ref int next = ref kind == MediaKind.Audio ? ref nextAudio : ref nextVideo;
            if (next >= list.Count)
            {
                slot = new SlotSsrc(0, null);
                return false;
            }

            slot = list[next++];
            return true;
        }
    }
}
