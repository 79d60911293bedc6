using Bridge.Conferences;
using Bridge.Hosting;
using Bridge.Metrics;
using Bridge.Rtp;
using Bridge.Sdp;
using Bridge.Srtp;
using Bridge.Transport;
using Microsoft.Extensions.Options;

namespace Bridge.Forwarding;

/// <summary>
/// Fans a publisher's decrypted RTP out to every secure receiver of its conference: copy into one
/// pinned send buffer, rewrite for the receiver's slot, protect in place, send. Also answers NACKs
/// from the cache and sends merged keyframe requests upstream. Runs on the receive loop; allocates nothing.
/// </summary>
public sealed class Forwarder
{
    private readonly MediaSocket _socket;
    private readonly BridgeCounters _counters;
    private readonly TimeProvider _time;
    private readonly long _keyframeInterval;
    private readonly byte[] _send = GC.AllocateArray<byte>(PacketCache.MaxPacketLength + SrtpProfiles.MaxOverhead + 64, pinned: true);

    /// <summary>Creates the forwarder.</summary>
    public Forwarder(MediaSocket socket, BridgeCounters counters, TimeProvider time, IOptions<BridgeOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _socket = socket;
        _counters = counters;
        _time = time;
        _keyframeInterval = options.Value.KeyframeRequestIntervalMs * time.TimestampFrequency / 1000;
    }

    /// <summary>Forwards one plain RTP packet received from <paramref name="publisher"/>.</summary>
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

        _counters.RtpIn++;
        source.PacketsReceived++;
        source.Cache.Store(packet, rtp.SequenceNumber);
        if (source.KeyframeWanted)
        {
            source.KeyframeWanted = false;
            RequestKeyframe(source);
        }

        var now = _time.GetTimestamp();
        var receivers = publisher.Conference.Endpoints;
        for (var i = 0; i < receivers.Length; i++)
        {
            var receiver = receivers[i];
            if (receiver != publisher && receiver.SlotAt(source.Kind, source.SlotIndex) is { } slot)
            {
                SendToSlot(receiver, slot, source, packet, rtp.SequenceNumber, rtp.Timestamp, now);
            }
        }
    }

    /// <summary>Resends NACKed packets (slot numbering) to a receiver from the source's cache.</summary>
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
        foreach (var slotSequence in slotSequences)
        {
            if (slot.TryMapToSource(slotSequence, out _, out var sequence)
                && source.Cache.TryGet(sequence, out var cached)
                && RtpPacket.TryParse(cached, out var rtp))
            {
                _counters.Retransmissions++;
                SendToSlot(receiver, slot, source, cached, sequence, rtp.Timestamp, now);
            }
            else
            {
                _counters.RetransmissionMisses++;
            }
        }
    }

    /// <summary>Sends a PLI to the source's publisher unless one went out less than the throttle interval ago.</summary>
    public void RequestKeyframe(MediaSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var now = _time.GetTimestamp();
        if (source.LastKeyframeRequest != 0 && now - source.LastKeyframeRequest < _keyframeInterval)
        {
            return;
        }
        var publisher = source.Owner;
        if (publisher.Outbound is not { } outbound || publisher.RemoteAddress is not { } address)
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

    private void SendToSlot(Endpoint receiver, ReceiverSlot slot, MediaSource source, ReadOnlySpan<byte> packet, ushort sequence, uint timestamp, long now)
    {
        if (receiver.State != EndpointState.Secure || receiver.Outbound is not { } outbound || receiver.RemoteAddress is not { } address)
        {
            return;
        }
        var buffer = _send.AsSpan();
        packet.CopyTo(buffer);
        slot.Rewrite(buffer, source.Ssrc, sequence, timestamp, now);
        if (outbound.TryProtectRtp(buffer, packet.Length, out var protectedLength))
        {
            _counters.RtpForwarded++;
            _socket.Send(buffer[..protectedLength], address);
        }
    }
}
