using Bridge.Conferences;
using Bridge.Forwarding;
using Bridge.Metrics;

namespace Bridge.Transport;

/// <summary>
/// The hand-off rings between a bridge's media loops, one per ordered pair of loops, and each loop's waker. A loop
/// posts work for the endpoints another loop owns (a packet to fan out, a sender report, a retransmission, an
/// endpoint handover) and wakes that loop only if it sleeps. With one loop there are no rings.
/// </summary>
internal sealed class LoopMesh : IDisposable
{
    private const int MaxItemsPerRing = 64;

    private readonly HandOffRing?[] _rings;
    private readonly LoopWaker?[] _wakers;

    /// <summary>Creates the rings for <paramref name="loops"/> loops (wakers only when there are several).</summary>
    public LoopMesh(int loops)
    {
        Count = loops;
        _rings = new HandOffRing?[loops * loops];
        _wakers = new LoopWaker?[loops];
        if (loops == 1)
        {
            return;
        }
        for (var from = 0; from < loops; from++)
        {
            _wakers[from] = new LoopWaker();
            for (var to = 0; to < loops; to++)
            {
                if (from != to)
                {
                    _rings[(from * loops) + to] = new HandOffRing();
                }
            }
        }
    }

    /// <summary>Number of loops.</summary>
    public int Count { get; }

    /// <summary>The waker of a loop (null with a single loop).</summary>
    public LoopWaker? Waker(int loop) => _wakers[loop];

    /// <summary>True when some loop handed <paramref name="loop"/> work it has not done yet.</summary>
    public bool HasWork(int loop)
    {
        for (var from = 0; from < Count; from++)
        {
            if (_rings[(from * Count) + loop] is { HasItems: true })
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Hands a source's plain RTP packet to every other loop that owns endpoints of its conference.</summary>
    public void PostMedia(int from, MediaSource source, ReadOnlySpan<byte> packet, ushort sequence, uint timestamp, long receivedAt, BridgeCounters counters)
    {
        if (packet.Length > HandOffRing.DataLength)
        {
            return;
        }
        var item = new HandOffItem { Kind = HandOffKind.Media, Source = source, Sequence = sequence, Timestamp = timestamp, Length = packet.Length, ReceivedAt = receivedAt };
        for (var to = 0; to < Count; to++)
        {
            if (source.Conference.EndpointsOnLoop(to) > 0)
            {
                TryPost(from, to, in item, packet, counters);
            }
        }
    }

    /// <summary>Hands a source's sender report to every other loop that owns endpoints of its conference.</summary>
    public void PostSenderReport(int from, MediaSource source, ulong ntpTimestamp, uint rtpTimestamp, uint packetCount, uint octetCount, BridgeCounters counters)
    {
        var item = new HandOffItem { Kind = HandOffKind.SenderReport, Source = source, NtpTimestamp = ntpTimestamp, Timestamp = rtpTimestamp, PacketCount = packetCount, OctetCount = octetCount };
        for (var to = 0; to < Count; to++)
        {
            if (source.Conference.EndpointsOnLoop(to) > 0)
            {
                TryPost(from, to, in item, default, counters);
            }
        }
    }

    /// <summary>Asks the receiver's loop to resend a packet of <paramref name="source"/> that is now in its cache.</summary>
    public void PostRetransmission(int from, Endpoint receiver, ReceiverSlot slot, MediaSource source, ushort sequence, BridgeCounters counters) =>
        TryPost(from, receiver.LoopIndex, new HandOffItem { Kind = HandOffKind.Retransmission, Receiver = receiver, Slot = slot, Source = source, Sequence = sequence }, default, counters);

    /// <summary>Asks loop <paramref name="to"/>, which forwards <paramref name="source"/>, for a keyframe request; false when its ring is full.</summary>
    public bool PostKeyframeRequest(int from, int to, MediaSource source, BridgeCounters counters) =>
        TryPost(from, to, new HandOffItem { Kind = HandOffKind.KeyframeRequest, Source = source }, default, counters);

    /// <summary>Asks the endpoint's owner loop to give it to <paramref name="from"/>, which now receives its address.</summary>
    public void PostHandover(int from, Endpoint endpoint, BridgeCounters counters) =>
        TryPost(from, endpoint.LoopIndex, new HandOffItem { Kind = HandOffKind.Handover, Receiver = endpoint, NewLoop = from }, default, counters);

    /// <summary>Does up to a bounded number of items from each ring into <paramref name="loop"/>; returns how many.</summary>
    public int Drain(int loop, Forwarder forwarder)
    {
        var done = 0;
        for (var from = 0; from < Count; from++)
        {
            if (_rings[(from * Count) + loop] is not { } ring)
            {
                continue;
            }
            for (var n = 0; n < MaxItemsPerRing; n++)
            {
                var index = ring.Peek();
                if (index < 0)
                {
                    break;
                }
                ref var item = ref ring.Item(index);
                forwarder.HandleHandOff(ref item, ring.Data(index)[..item.Length]);
                ring.Release();
                done++;
            }
        }
        return done;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var waker in _wakers)
        {
            waker?.Dispose();
        }
    }

    // Writes the item (and its packet) into the ring from -> to and wakes that loop; false (counted) when the ring is
    // full, false for a loop posting to itself.
    private bool TryPost(int from, int to, in HandOffItem item, ReadOnlySpan<byte> data, BridgeCounters counters)
    {
        if (to == from)
        {
            return false;
        }
        var ring = _rings[(from * Count) + to]!;
        var index = ring.Reserve();
        if (index < 0)
        {
            counters.Drop(DropReason.HandOffOverflow);
            return false;
        }
        ring.Item(index) = item;
        data.CopyTo(ring.Data(index));
        ring.Publish();
        _wakers[to]!.Wake();
        return true;
    }
}
