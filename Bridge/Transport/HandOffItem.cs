using Bridge.Conferences;
using Bridge.Forwarding;

namespace Bridge.Transport;

/// <summary>What one media loop asks another to do for the endpoints it owns.</summary>
internal enum HandOffKind : byte
{
    /// <summary>Fan a source's plain RTP packet (in the ring slot's data) out to the loop's receivers.</summary>
    Media,
    /// <summary>Pass a source's sender report, rewritten per slot, to the loop's receivers.</summary>
    SenderReport,
    /// <summary>Resend a packet that is now in the source's cache to one receiver that NACKed it.</summary>
    Retransmission,
    /// <summary>Ask for a keyframe of a source this loop forwards (a receiver on another loop sent a PLI/FIR).</summary>
    KeyframeRequest,
    /// <summary>Give an endpoint to another loop (ICE moved it to an address that loop receives).</summary>
    Handover,
}

/// <summary>One entry of a <see cref="HandOffRing"/>; preallocated, overwritten in place.</summary>
internal struct HandOffItem
{
    public HandOffKind Kind;
    public MediaSource? Source;
    public Endpoint? Receiver;
    public ReceiverSlot? Slot;
    public ushort Sequence;
    public uint Timestamp;
    public byte HopCount;
    public int Length;
    public long ReceivedAt;
    public ulong NtpTimestamp;
    public uint PacketCount;
    public uint OctetCount;
    public int NewLoop;
}
