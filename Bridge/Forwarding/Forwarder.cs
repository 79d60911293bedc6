using Bridge.Conferences;
using Bridge.Hosting;
using Bridge.Metrics;
using Bridge.Relay;
using BridgeRelay.Link;
using Bridge.Rtp;
using Bridge.Sdp;
using Bridge.Srtp;
using Bridge.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Forwarding;

/// <summary>
/// One media loop's forwarder. Fans a source's decrypted RTP out to every secure receiver of its conference that
/// this loop owns (copy into the next slot of the loop's <see cref="SendBatch"/>, rewrite for the receiver's slot,
/// protect in place) and to every child relay link that wants it, then sends the whole fan-out with one sendmmsg
/// per <see cref="SendBatch.Capacity"/> copies; the receivers other loops own get the packet through their
/// hand-off ring. Answers NACKs from the cache (asking one hop up on a miss) and sends merged keyframe requests
/// upstream. Runs on its loop's thread; allocates nothing.
/// </summary>
public sealed class Forwarder
{
    private readonly MediaSocket _socket;
    private readonly BridgeCounters _counters;
    private readonly TimeProvider _time;
    private readonly long _keyframeInterval;
    private readonly byte[] _send = GC.AllocateArray<byte>(PacketCache.MaxPacketLength + SrtpProfiles.MaxOverhead + 64, pinned: true);
    private readonly byte[] _control = GC.AllocateArray<byte>(1024, pinned: true);
    private readonly RelayManager _relays;
    private readonly NackWaiter[] _waiters = new NackWaiter[PendingNacks.Capacity];
    private readonly SendBatch _batch;
    private readonly PacketTransit _transit;
    private readonly LoopMesh _mesh;
    private readonly int _loop;

    /// <summary>Creates the forwarder of media loop <paramref name="loop"/>, sending on that loop's socket.</summary>
    internal Forwarder(MediaSocket socket, RelayManager relays, BridgeCounters counters, TimeProvider time, IOptions<BridgeOptions> options, PacketTransit transit, ILogger<Forwarder> logger, LoopMesh mesh, int loop)
    {
        ArgumentNullException.ThrowIfNull(options);
        _batch = new SendBatch(socket, counters, transit, logger, options.Value.BatchedSends);
        _transit = transit;
        _mesh = mesh;
        _loop = loop;
        _socket = socket;
        _relays = relays;
        _counters = counters;
        _time = time;
        _keyframeInterval = options.Value.KeyframeRequestIntervalMs * time.TimestampFrequency / 1000;
    }

    /// <summary>Forwards one plain RTP packet received from <paramref name="publisher"/> on this bridge.</summary>
    public void Forward(Endpoint publisher, ReadOnlySpan<byte> packet)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        if (!RtpPacket.TryParse(packet, out var rtp) || packet.Length > PacketCache.MaxPacketLength)
        {
            _counters.Drop(DropReason.RtpMalformed);
            return;
        }
        var source = publisher.FindSource(rtp.Ssrc);
        if (source is null || rtp.PayloadType != source.PayloadType)
        {
            // RTX from the publisher is only sent when asked for; the bridge never NACKs upstream.
            _counters.Drop(DropReason.UnknownSsrc);
            return;
        }
        ForwardSource(source, packet, rtp.SequenceNumber, rtp.Timestamp, hopCount: 0);
    }

    /// <summary>
    /// Forwards one plain RTP packet of a source that arrived over its relay link. A retransmission
    /// (answer to a NACK further down) is cached and passed on to the children that want the source,
    /// but not sent to local receivers again: they get it from the cache when they NACK.
    /// </summary>
    public void ForwardRelayed(MediaSource source, ReadOnlySpan<byte> packet, byte hopCount, bool retransmission)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!RtpPacket.TryParse(packet, out var rtp) || packet.Length > PacketCache.MaxPacketLength
            || rtp.Ssrc != source.Ssrc || rtp.PayloadType != source.PayloadType)
        {
            _counters.Drop(DropReason.RtpMalformed);
            return;
        }
        if (retransmission)
        {
            source.Cache.Store(packet, rtp.SequenceNumber);
            var waiters = _waiters.AsSpan(0, source.PendingNacks.Take(rtp.SequenceNumber, _waiters));
            var now = _time.GetTimestamp();
            foreach (var waiter in waiters)
            {
                if (waiter.Receiver.LoopIndex == _loop)
                {
                    _counters.Retransmissions++;
                    SendToSlot(waiter.Receiver, waiter.Slot, source, packet, rtp.SequenceNumber, rtp.Timestamp, now, observeTransit: false);
                }
                else
                {
                    _mesh.PostRetransmission(_loop, waiter.Receiver, waiter.Slot, source, rtp.SequenceNumber, _counters);
                }
            }
            waiters.Clear();
            RelayDown(source, RelayKind.Rtp, packet, hopCount, RelayFlags.Retransmission);
            return;
        }
        ForwardSource(source, packet, rtp.SequenceNumber, rtp.Timestamp, hopCount);
    }

    /// <summary>Sends a payload of <paramref name="source"/> (and any copies still batched) to every child link that wants the source.</summary>
    public void RelayDown(MediaSource source, RelayKind kind, ReadOnlySpan<byte> payload, byte hopCount, byte flags)
    {
        ArgumentNullException.ThrowIfNull(source);
        BatchRelayDown(source, kind, payload, hopCount, flags);
        _batch.Flush();
    }

    // Protects the relay copies into the batch; the caller flushes.
    private void BatchRelayDown(MediaSource source, RelayKind kind, ReadOnlySpan<byte> payload, byte hopCount, byte flags)
    {
        var links = _relays.Links;
        var conference = source.Conference.RelayId;
        for (var i = 0; i < links.Length; i++)
        {
            var link = links[i];
            // Over the core mesh only a bridge's own publishers travel: relayed media never goes back across it.
            if (link != source.Upstream && (source.Upstream is null || link.PeerRole != RelayPeerRole.Mesh) && link.Wants(conference, source.Ssrc))
            {
                link.Send(_batch, kind, (byte)(hopCount + 1), flags, conference, source.Ssrc, payload);
            }
        }
    }

    /// <summary>
    /// Resends NACKed packets (slot numbering) to a receiver from the source's cache; what the cache
    /// lacks is asked for one hop up when the source is relayed.
    /// </summary>
    public void Retransmit(Endpoint receiver, ReceiverSlot slot, ReadOnlySpan<ushort> slotSequences)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(slot);
        var source = receiver.Conference.FindSource(slot.CurrentSource);
        if (source is null)
        {
            return;
        }
        var now = _time.GetTimestamp();
        Span<ushort> missing = stackalloc ushort[Math.Min(slotSequences.Length, RelayControl.MaxEntries)];
        var missed = 0;
        foreach (var slotSequence in slotSequences)
        {
            if (!slot.TryMapToSource(slotSequence, out _, out var sequence))
            {
                continue;
            }
            if (!ResendFromCache(receiver, slot, source, sequence, now))
            {
                _counters.RetransmissionMisses++;
                if (missed < missing.Length && source.Upstream is not null)
                {
                    missing[missed++] = sequence;
                    source.PendingNacks.Add(receiver, slot, sequence);
                }
            }
        }
        _batch.Flush();
        if (missed > 0 && source.Upstream is { } parent)
        {
            SendNackUp(parent, source, missing[..missed]);
        }
    }

    /// <summary>Answers a child link's NACK from the cache; what the cache lacks goes one hop further up.</summary>
    public void AnswerRelayNack(RelayLink child, MediaSource source, ReadOnlySpan<ushort> sequences)
    {
        ArgumentNullException.ThrowIfNull(child);
        ArgumentNullException.ThrowIfNull(source);
        Span<ushort> missing = stackalloc ushort[Math.Min(sequences.Length, RelayControl.MaxEntries)];
        var missed = 0;
        foreach (var sequence in sequences)
        {
            // The cache may be written by another loop right now: copied out, then sent.
            var length = source.Cache.TryCopy(sequence, _send);
            if (length >= 0)
            {
                _counters.RelayRetransmissions++;
                child.Send(RelayKind.Rtp, 1, RelayFlags.Retransmission, source.Conference.RelayId, source.Ssrc, _send.AsSpan(0, length));
            }
            else if (missed < missing.Length)
            {
                _counters.RelayNacksPassedUp++;
                missing[missed++] = sequence;
            }
        }
        if (missed > 0 && source.Upstream is { } parent)
        {
            SendNackUp(parent, source, missing[..missed]);
        }
    }

    /// <summary>
    /// Asks for a keyframe of <paramref name="source"/> unless one was asked for less than the
    /// throttle interval (or twice the parent link's RTT, if longer) ago: a PLI to a local publisher,
    /// or a keyframe request one hop up the relay tree, where the same merging happens again. On a loop
    /// that does not forward the source, the request is handed to the loop that does (or, with its ring
    /// full, flagged for that loop's next packet of the source).
    /// </summary>
    public void RequestKeyframe(MediaSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var owner = source.Owner?.LoopIndex ?? source.Upstream?.LoopIndex ?? _loop;
        if (owner != _loop)
        {
            if (!_mesh.PostKeyframeRequest(_loop, owner, source, _counters))
            {
                source.KeyframeWanted = true;
            }
            return;
        }
        var now = _time.GetTimestamp();
        var interval = _keyframeInterval;
        if (source.Upstream is { } parent)
        {
            interval = Math.Max(interval, 2 * (long)(parent.Health.SmoothedRtt.TotalSeconds * _time.TimestampFrequency));
        }
        if (source.LastKeyframeRequest != 0 && now - source.LastKeyframeRequest < interval)
        {
            return;
        }
        if (source.Upstream is { } link)
        {
            var written = RelayControl.WriteKeyframeRequest(_control, source.Ssrc);
            if (written > 0 && link.Send(RelayKind.Control, 0, 0, source.Conference.RelayId, source.Ssrc, _control.AsSpan(0, written)))
            {
                source.LastKeyframeRequest = now;
                _counters.KeyframeRequestsOut++;
            }
            return;
        }
        var publisher = source.Owner;
        if (publisher?.Outbound is not { } outbound || publisher.RemoteAddress is not { } address)
        {
            return;
        }
        var length = RtcpWriter.WritePli(_send, publisher.RtcpSsrc, source.Ssrc);
        if (length > 0 && outbound.TryProtectRtcp(_send, length, out var protectedLength))
        {
            source.LastKeyframeRequest = now;
            _counters.KeyframeRequestsOut++;
            _socket.Send(_send.AsSpan(0, protectedLength), address);
        }
    }

    /// <summary>Protects and sends one plain RTCP packet to an endpoint that is secure.</summary>
    public void SendRtcp(Endpoint endpoint, ReadOnlySpan<byte> plainRtcp)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.State != EndpointState.Secure || endpoint.Outbound is not { } outbound || endpoint.RemoteAddress is not { } address
            || plainRtcp.Length > PacketCache.MaxPacketLength)
        {
            return;
        }
        plainRtcp.CopyTo(_send);
        if (outbound.TryProtectRtcp(_send, plainRtcp.Length, out var protectedLength))
        {
            _socket.Send(_send.AsSpan(0, protectedLength), address);
        }
    }

    private void ForwardSource(MediaSource source, ReadOnlySpan<byte> packet, ushort sequence, uint timestamp, byte hopCount)
    {
        _counters.RtpIn++;
        source.Cache.Store(packet, sequence);
        if (source.KeyframeWanted)
        {
            source.KeyframeWanted = false;
            RequestKeyframe(source);
        }

        // Other loops start on their receivers while this one does its own.
        if (_mesh.Count > 1)
        {
            _mesh.PostMedia(_loop, source, packet, sequence, timestamp, _transit.ReceivedAt, _counters);
        }
        FanOut(source, packet, sequence, timestamp);
        BatchRelayDown(source, RelayKind.Rtp, packet, hopCount, 0);
        _batch.Flush();
    }

    // Copies the packet to every receiver of the source's conference that this loop owns; the caller flushes.
    private void FanOut(MediaSource source, ReadOnlySpan<byte> packet, ushort sequence, uint timestamp)
    {
        var now = _time.GetTimestamp();
        var receivers = source.Conference.Endpoints;
        for (var i = 0; i < receivers.Length; i++)
        {
            if (receivers[i] is var receiver && receiver.LoopIndex == _loop && receiver.SlotFor(source) is { } slot)
            {
                SendToSlot(receiver, slot, source, packet, sequence, timestamp, now, observeTransit: true);
            }
        }
    }

    /// <summary>
    /// Passes a source's sender report to the receivers this loop owns whose slot shows the source (SSRC and RTP
    /// timestamp rewritten to the slot, for lip sync), and hands it to the other loops.
    /// </summary>
    public void ForwardSenderReport(MediaSource source, in SenderReport report)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (_mesh.Count > 1)
        {
            _mesh.PostSenderReport(_loop, source, report.NtpTimestamp, report.RtpTimestamp, report.PacketCount, report.OctetCount, _counters);
        }
        SendSenderReports(source, report.NtpTimestamp, report.RtpTimestamp, report.PacketCount, report.OctetCount);
    }

    private void SendSenderReports(MediaSource source, ulong ntpTimestamp, uint rtpTimestamp, uint packetCount, uint octetCount)
    {
        foreach (var receiver in source.Conference.Endpoints)
        {
            if (receiver.LoopIndex != _loop || receiver.SlotFor(source) is not { } slot || slot.CurrentSource != source.Ssrc)
            {
                continue;
            }
            var length = RtcpWriter.WriteSenderReport(_control, slot.Ssrc, ntpTimestamp, rtpTimestamp + slot.TimestampOffset, packetCount, octetCount);
            SendRtcp(receiver, _control.AsSpan(0, length));
            receiver.RoundTrip.SenderReportSent(ntpTimestamp, System.Diagnostics.Stopwatch.GetTimestamp());
        }
    }

    /// <summary>Does what another loop handed this one (see <see cref="HandOffKind"/>).</summary>
    internal void HandleHandOff(ref HandOffItem item, ReadOnlySpan<byte> data)
    {
        var source = item.Source;
        switch (item.Kind)
        {
            case HandOffKind.Media:
                _transit.MarkReceived(item.ReceivedAt);
                FanOut(source!, data, item.Sequence, item.Timestamp);
                _batch.Flush();
                break;
            case HandOffKind.SenderReport:
                SendSenderReports(source!, item.NtpTimestamp, item.Timestamp, item.PacketCount, item.OctetCount);
                break;
            case HandOffKind.Retransmission when item.Receiver!.LoopIndex == _loop:
                if (ResendFromCache(item.Receiver, item.Slot!, source!, item.Sequence, _time.GetTimestamp()))
                {
                    _batch.Flush();
                }
                break;
            case HandOffKind.KeyframeRequest:
                RequestKeyframe(source!);
                break;
            case HandOffKind.Handover when item.Receiver!.LoopIndex == _loop:
                // This loop is done with the endpoint's contexts: the loop that receives its new address takes over.
                item.Receiver.AssignLoop(item.NewLoop);
                break;
        }
    }

    // Copies a cached packet straight into the batch and sends it to the receiver's slot; false when the cache lacks it.
    private bool ResendFromCache(Endpoint receiver, ReceiverSlot slot, MediaSource source, ushort sequence, long now)
    {
        var buffer = _batch.Reserve();
        var length = source.Cache.TryCopy(sequence, buffer);
        if (length < 0 || !RtpPacket.TryParse(buffer[..length], out var rtp))
        {
            return false;
        }
        _counters.Retransmissions++;
        FinishSlot(receiver, slot, source, buffer, length, sequence, rtp.Timestamp, now, observeTransit: false);
        return true;
    }

    private void SendNackUp(RelayLink parent, MediaSource source, ReadOnlySpan<ushort> sequences)
    {
        var written = RelayControl.WriteNack(_control, source.Ssrc, sequences);
        if (written > 0)
        {
            parent.Send(RelayKind.Control, 0, 0, source.Conference.RelayId, source.Ssrc, _control.AsSpan(0, written));
        }
    }

    // Writes the receiver's copy into the batch; the caller flushes.
    private void SendToSlot(Endpoint receiver, ReceiverSlot slot, MediaSource source, ReadOnlySpan<byte> packet, ushort sequence, uint timestamp, long now, bool observeTransit)
    {
        var buffer = _batch.Reserve();
        packet.CopyTo(buffer);
        FinishSlot(receiver, slot, source, buffer, packet.Length, sequence, timestamp, now, observeTransit);
    }

    // Rewrites the plain packet in the reserved batch slot for the receiver's slot, protects it and commits it.
    private void FinishSlot(Endpoint receiver, ReceiverSlot slot, MediaSource source, Span<byte> buffer, int length, ushort sequence, uint timestamp, long now, bool observeTransit)
    {
        if (receiver.State != EndpointState.Secure || receiver.Outbound is not { } outbound || receiver.RemoteAddress is not { } address)
        {
            return;
        }
        slot.Rewrite(buffer, source.Ssrc, sequence, timestamp, now);
        if (!outbound.TryProtectRtp(buffer, length, out var protectedLength))
        {
            return;
        }
        _counters.RtpForwarded++;
        _batch.Commit(protectedLength, address, observeTransit);
    }
}
