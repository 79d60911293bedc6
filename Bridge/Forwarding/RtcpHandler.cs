using System.Diagnostics;
using Bridge.Conferences;
using Bridge.Metrics;
using Bridge.Rtp;

namespace Bridge.Forwarding;

/// <summary>
/// Acts on the RTCP an endpoint sends: keyframe requests (PLI/FIR) are mapped from the receiver's
/// slot to the source and merged; NACKs are answered from the cache; a publisher's sender reports
/// are rewritten per slot and passed to receivers (lip sync); receiver reports feed stats.
/// Runs on the loop that received the RTCP (the endpoint's owner); allocates nothing.
/// </summary>
public sealed class RtcpHandler
{
    private const int MaxNackedPerPacket = 1024;

    private readonly Forwarder _forwarder;
    private readonly BridgeCounters _counters;

    /// <summary>Creates the handler.</summary>
    public RtcpHandler(Forwarder forwarder, BridgeCounters counters)
    {
        _forwarder = forwarder;
        _counters = counters;
    }

    /// <summary>Handles one plain (unprotected) RTCP compound packet from <paramref name="endpoint"/>.</summary>
    public void Handle(Endpoint endpoint, ReadOnlySpan<byte> compound)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var reader = new RtcpCompoundReader(compound);
        while (reader.TryReadNext(out var packet))
        {
            switch (packet.PacketType)
            {
                case RtcpPacketType.PayloadFeedback:
                    HandlePayloadFeedback(endpoint, packet);
                    break;
                case RtcpPacketType.TransportFeedback:
                    if (GenericNack.TryParse(packet, out var nack))
                    {
                        HandleNack(endpoint, nack);
                    }
                    break;
                case RtcpPacketType.SenderReport:
                    if (endpoint.Role == EndpointRole.Sender && SenderReport.TryParse(packet, out var sr) && endpoint.FindSource(sr.Ssrc) is { } source)
                    {
                        ForwardSenderReport(source, sr, packet.Raw, hopCount: 0);
                    }
                    break;
                case RtcpPacketType.ReceiverReport:
                    if (ReceiverReport.TryParse(packet, out var rr) && rr.ReportCount > 0)
                    {
                        endpoint.LastReportedLoss = rr.GetReport(0).FractionLost / 256.0;
                        var now = Stopwatch.GetTimestamp();
                        for (var i = 0; i < rr.ReportCount; i++)
                        {
                            endpoint.RoundTrip.ReportReceived(rr.GetReport(i), now);
                        }
                    }
                    break;
            }
        }
        if (reader.IsMalformed)
        {
            _counters.Drop(DropReason.RtpMalformed);
        }
    }

    private void HandlePayloadFeedback(Endpoint endpoint, RtcpPacket packet)
    {
        if (PictureLossIndication.TryParse(packet, out var pli))
        {
            KeyframeRequested(endpoint, pli.MediaSsrc);
        }
        else if (FullIntraRequest.TryParse(packet, out var fir))
        {
            for (var i = 0; i < fir.EntryCount; i++)
            {
                KeyframeRequested(endpoint, fir.GetEntry(i).Ssrc);
            }
        }
    }

    private void KeyframeRequested(Endpoint receiver, uint slotSsrc)
    {
        _counters.KeyframeRequestsIn++;
        if (receiver.FindSlot(slotSsrc) is { } slot && receiver.Conference.FindSource(slot.CurrentSource) is { } source)
        {
            _forwarder.RequestKeyframe(source);
        }
    }

    private void HandleNack(Endpoint receiver, GenericNack nack)
    {
        if (receiver.FindSlot(nack.MediaSsrc) is not { } slot)
        {
            return;
        }
        Span<ushort> lost = stackalloc ushort[MaxNackedPerPacket];
        var count = nack.CopyLostSequenceNumbers(lost);
        _forwarder.Retransmit(receiver, slot, lost[..count]);
    }

    /// <summary>
    /// Passes a source's sender report to the receivers whose slot shows it (SSRC and RTP timestamp
    /// rewritten to the slot, for lip sync) and, unchanged, down the relay links that want the source.
    /// </summary>
    public void ForwardSenderReport(MediaSource source, SenderReport report, ReadOnlySpan<byte> packet, byte hopCount)
    {
        ArgumentNullException.ThrowIfNull(source);
        _forwarder.ForwardSenderReport(source, report);
        _forwarder.RelayDown(source, BridgeRelay.Link.RelayKind.Rtcp, packet, hopCount, 0);
    }
}
