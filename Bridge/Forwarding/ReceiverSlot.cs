using Bridge.Rtp;
using Bridge.Sdp;

namespace Bridge.Forwarding;

/// <summary>
/// One fixed receive stream of a receiver (its SSRC is in the receiver's SDP). Whatever source the
/// slot shows, the receiver sees one continuous stream: SSRC, sequence number and timestamp are
/// rewritten, and re-based when the source changes, so its SDP never changes. Owned by the receive loop.
/// </summary>
public sealed class ReceiverSlot
{
    private uint _source;
    private bool _started;
    private ushort _seqOffset;
    private uint _tsOffset;
    private ushort _lastOutSeq;
    private uint _lastOutTs;
    private long _lastOutTime;
    private readonly long _timestampFrequency;

    /// <summary>Creates a slot with the SSRC the bridge announced to the receiver.</summary>
    public ReceiverSlot(MediaKind kind, uint ssrc, int payloadType, int clockRate, long timestampFrequency)
    {
        Kind = kind;
        Ssrc = ssrc;
        PayloadType = payloadType;
        ClockRate = clockRate;
        _timestampFrequency = timestampFrequency;
    }

    /// <summary>Audio or video.</summary>
    public MediaKind Kind { get; }

    /// <summary>The SSRC the receiver knows this slot by.</summary>
    public uint Ssrc { get; }

    /// <summary>The payload type the receiver negotiated for the codec.</summary>
    public int PayloadType { get; }

    /// <summary>RTP clock rate, to keep timestamps continuous across a source change.</summary>
    public int ClockRate { get; }

    /// <summary>The SSRC of the source currently shown, 0 before the first packet.</summary>
    public uint CurrentSource => _started ? _source : 0;

    /// <summary>RTP timestamp offset in force (added to the source's timestamps).</summary>
    public uint TimestampOffset => _tsOffset;

    /// <summary>
    /// Rewrites a copy of a source packet in place for this slot. A packet from a new source
    /// re-bases the offsets so sequence numbers continue by one and timestamps by the wall time elapsed.
    /// </summary>
    public void Rewrite(Span<byte> packet, uint sourceSsrc, ushort sequence, uint timestamp, long now)
    {
        if (!_started || sourceSsrc != _source)
        {
            Rebase(sourceSsrc, sequence, timestamp, now);
        }

        var outSeq = (ushort)(sequence + _seqOffset);
        var outTs = timestamp + _tsOffset;
        if (SequenceNumbers.IsNewer(outSeq, _lastOutSeq))
        {
            _lastOutSeq = outSeq;
            _lastOutTs = outTs;
            _lastOutTime = now;
        }

        RtpHeader.SetSsrc(packet, Ssrc);
        RtpHeader.SetSequenceNumber(packet, outSeq);
        RtpHeader.SetTimestamp(packet, outTs);
        RtpHeader.SetPayloadType(packet, (byte)PayloadType);
    }

    /// <summary>
    /// Maps a sequence number the receiver NACKed back to the current source's numbering; false when
    /// the slot shows no source.
    /// </summary>
    public bool TryMapToSource(ushort slotSequence, out uint sourceSsrc, out ushort sourceSequence)
    {
        sourceSsrc = _source;
        sourceSequence = (ushort)(slotSequence - _seqOffset);
        return _started;
    }

    private void Rebase(uint sourceSsrc, ushort sequence, uint timestamp, long now)
    {
        if (_started)
        {
            // Continue where the previous source stopped: next sequence number, and a timestamp
            // advanced by the wall-clock gap so jitter buffers see real time pass.
            var elapsedTicks = now - _lastOutTime;
            var elapsed = (uint)Math.Max(1, elapsedTicks * ClockRate / _timestampFrequency);
            _seqOffset = (ushort)(_lastOutSeq + 1 - sequence);
            _tsOffset = _lastOutTs + elapsed - timestamp;
        }
        else
        {
            // A random-looking start is not needed: the receiver never saw this SSRC before.
            _seqOffset = 0;
            _tsOffset = 0;
            _lastOutSeq = (ushort)(sequence - 1);
            _lastOutTs = timestamp;
        }

        _source = sourceSsrc;
        _started = true;
        _lastOutTime = now;
    }
}
