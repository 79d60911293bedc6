using System.Net;
using Bridge.Conferences;
using Bridge.Forwarding;
using Bridge.Metrics;
using Bridge.Rtp;
using Bridge.Sdp;
using BridgeRelay.Link;

namespace Bridge.Relay;

/// <summary>
/// Receive path of relay datagrams (first byte 0x50-0x5F on the media port): authenticate and
/// decrypt with the link's key, then media into the forwarder, sender reports to the receivers, and
/// control messages (keepalive, subscribe, announce, keyframe request, NACK). Media is accepted only
/// from the parent link and only for sources that parent announced: anything else would loop.
/// One per media loop; a link's datagrams all reach the loop its address hashes to.
/// </summary>
public sealed class RelayRouter
{
    private readonly RelayManager _relays;
    private readonly ConferenceManager _conferences;
    private readonly RelaySubscriptions _subscriptions;
    private readonly Forwarder _forwarder;
    private readonly RtcpHandler _rtcp;
    private readonly BridgeCounters _counters;
    private readonly TimeProvider _time;
    private readonly byte[] _reply = new byte[64];
    private readonly int _loop;

    /// <summary>Creates the router of media loop <paramref name="loop"/>.</summary>
    public RelayRouter(int loop, RelayManager relays, ConferenceManager conferences, RelaySubscriptions subscriptions, Forwarder forwarder, RtcpHandler rtcp, BridgeCounters counters, TimeProvider time)
    {
        _loop = loop;
        _relays = relays;
        _conferences = conferences;
        _subscriptions = subscriptions;
        _forwarder = forwarder;
        _rtcp = rtcp;
        _counters = counters;
        _time = time;
    }

    /// <summary>Handles one relay datagram; never throws for bad input.</summary>
    public void OnDatagram(Span<byte> datagram, SocketAddress from)
    {
        var link = _relays.FindByAddress(from);
        if (link is null)
        {
            _counters.Drop(DropReason.RelayUnknownLink);
            return;
        }
        var result = link.Unprotect(datagram, out var header, out var offset, out var length);
        if (result != RelayUnprotectResult.Ok)
        {
            link.Counters.Drop(result);
            _counters.Drop(DropReason.RelayRejected);
            return;
        }
        if (link.LoopIndex != _loop)
        {
            // This loop receives the link, so it forwards the link's sources from now on.
            link.LoopIndex = _loop;
        }
        link.Health.OnDatagram(_time.GetTimestamp());
        link.Counters.PacketsIn++;
        link.Counters.BytesIn += datagram.Length;
        var payload = datagram.Slice(offset, length);

        if (header.Kind == RelayKind.Control)
        {
            HandleControl(link, header, payload);
            return;
        }
        var source = link.SendsUsMedia ? _conferences.FindByRelayId(header.ConferenceId)?.FindSource(header.SourceId) : null;
        if (source is null || source.Upstream != link)
        {
            link.Counters.Drop(RelayDropReason.Loop);
            _counters.Drop(DropReason.RelayLoop);
            return;
        }
        if (header.Kind == RelayKind.Rtp)
        {
            _forwarder.ForwardRelayed(source, payload, header.HopCount, (header.Flags & RelayFlags.Retransmission) != 0);
        }
        else if (RtcpPacket.TryParse(payload, out var packet) && packet.PacketType == RtcpPacketType.SenderReport && SenderReport.TryParse(packet, out var report) && report.Ssrc == source.Ssrc)
        {
            _rtcp.ForwardSenderReport(source, report, payload[..packet.Length], header.HopCount);
        }
    }

    private void HandleControl(RelayLink link, RelayHeader header, ReadOnlySpan<byte> payload)
    {
        if (!RelayControl.TryReadType(payload, out var type))
        {
            link.Counters.Drop(RelayDropReason.Malformed);
            return;
        }
        var conference = _conferences.FindByRelayId(header.ConferenceId);
        switch (type)
        {
            case RelayControlType.Keepalive when RelayControl.TryReadKeepalive(payload, out var sent):
                var written = RelayControl.WriteKeepaliveAck(_reply, sent);
                link.Send(RelayKind.Control, 0, 0, 0, 0, _reply.AsSpan(0, written));
                break;
            case RelayControlType.KeepaliveAck when RelayControl.TryReadKeepaliveAck(payload, out var echoed):
                link.Health.OnKeepaliveAck((long)echoed, _time.GetTimestamp());
                break;
            case RelayControlType.Subscribe when link.TakesOurMedia && conference is not null && RelayControl.TryReadSubscribe(payload, out var subscribe):
                var wanted = new uint[subscribe.Count];
                for (var i = 0; i < wanted.Length; i++)
                {
                    wanted[i] = subscribe.Get(i);
                }
                var first = !link.SubscribedConferences.Contains(conference.RelayId);
                link.SetWanted(conference.RelayId, wanted);
                if (first)
                {
                    _subscriptions.Announce(link, conference);
                }
                // What the child wants now may change what this bridge wants from its own parent.
                foreach (var upstream in _relays.Links)
                {
                    if (upstream.SendsUsMedia && upstream != link)
                    {
                        _subscriptions.Subscribe(upstream, conference);
                    }
                }
                break;
            case RelayControlType.SourceAnnounce when link.SendsUsMedia && conference is not null && RelayControl.TryReadSourceAnnounce(payload, out var announce):
                List<RelaySourceEntry> entries;
                if (header.SourceId == 0)
                {
                    entries = new List<RelaySourceEntry>(announce.Count);
                    for (var i = 0; i < announce.Count; i++)
                    {
                        entries.Add(announce.Get(i));
                    }
                }
                else if (!RelayAnnounceParts.TryReadTag(header.SourceId, out var round, out var part, out var parts))
                {
                    link.Counters.Drop(RelayDropReason.Malformed);
                    break;
                }
                else if (link.AnnounceParts(conference.RelayId).Add(round, part, parts, announce) is { } whole)
                {
                    entries = whole;
                }
                else
                {
                    // More parts of this round to come.
                    break;
                }
                var announced = entries.ConvertAll(entry => new RelayedSourceInfo(entry.SourceId, entry.Kind == RelaySourceKind.Audio ? MediaKind.Audio : MediaKind.Video, entry.Rank, entry.PayloadType, (int)entry.ClockRate));
                if (_subscriptions.ApplyAnnouncement(link, conference, announced))
                {
                    _subscriptions.Subscribe(link, conference);
                    foreach (var child in _relays.Links)
                    {
                        if (child.PeerRole == RelayPeerRole.Child && child.SubscribedConferences.Contains(conference.RelayId))
                        {
                            _subscriptions.Announce(child, conference);
                        }
                    }
                }
                break;
            case RelayControlType.KeyframeRequest when link.TakesOurMedia && RelayControl.TryReadKeyframeRequest(payload, out var keyframeSource):
                if (conference?.FindSource(keyframeSource) is { } source)
                {
                    _counters.KeyframeRequestsIn++;
                    _forwarder.RequestKeyframe(source);
                }
                break;
            case RelayControlType.Nack when link.TakesOurMedia && RelayControl.TryReadNack(payload, out var nack):
                if (conference?.FindSource(nack.SourceId) is { } nacked)
                {
                    Span<ushort> sequences = stackalloc ushort[nack.Count];
                    for (var i = 0; i < sequences.Length; i++)
                    {
                        sequences[i] = nack.Get(i);
                    }
                    _forwarder.AnswerRelayNack(link, nacked, sequences);
                }
                break;
            default:
                link.Counters.Drop(RelayDropReason.Malformed);
                break;
        }
    }
}
