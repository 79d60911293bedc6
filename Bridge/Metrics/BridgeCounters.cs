using System.Runtime.CompilerServices;

namespace Bridge.Metrics;

/// <summary>
/// Packet-path counters as plain fields: incremented without a metric call per packet and exported
/// on scrape. Written by the receive loop; other threads only read them.
/// </summary>
public sealed class BridgeCounters
{
    private readonly long[] _drops = new long[Enum.GetValues<DropReason>().Length];

    /// <summary>Datagrams received on the media socket.</summary>
    public long PacketsIn;
    /// <summary>Bytes received on the media socket.</summary>
    public long BytesIn;
    /// <summary>Datagrams sent on the media socket.</summary>
    public long PacketsOut;
    /// <summary>Bytes sent on the media socket.</summary>
    public long BytesOut;
    /// <summary>RTP packets accepted from publishers.</summary>
    public long RtpIn;
    /// <summary>RTP packets forwarded to receivers (one per receiver copy).</summary>
    public long RtpForwarded;
    /// <summary>Packets resent from the cache in answer to NACKs.</summary>
    public long Retransmissions;
    /// <summary>NACKed packets no longer in the cache.</summary>
    public long RetransmissionMisses;
    /// <summary>Packets resent from this bridge's cache to a child relay link that NACKed them.</summary>
    public long RelayRetransmissions;
    /// <summary>Packets a child link NACKed that this bridge's cache lacked, asked for one hop further up.</summary>
    public long RelayNacksPassedUp;
    /// <summary>Keyframe requests received from receivers.</summary>
    public long KeyframeRequestsIn;
    /// <summary>Keyframe requests sent to publishers after merging.</summary>
    public long KeyframeRequestsOut;
    /// <summary>Sends the kernel refused.</summary>
    public long SendErrors;
    /// <summary>Endpoints whose ICE never completed in time.</summary>
    public long IceFailures;
    /// <summary>Endpoints whose DTLS handshake failed.</summary>
    public long DtlsFailures;
    /// <summary>Endpoints expired because consent checks stopped.</summary>
    public long ConsentExpirations;

    /// <summary>Counts one dropped datagram.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Drop(DropReason reason) => Interlocked.Increment(ref _drops[(int)reason]);

    /// <summary>Dropped datagrams so far for one reason.</summary>
    public long Dropped(DropReason reason) => Volatile.Read(ref _drops[(int)reason]);

    /// <summary>Dropped datagrams so far, all reasons.</summary>
    public long DroppedTotal()
    {
        long sum = 0;
        for (var i = 0; i < _drops.Length; i++)
        {
            sum += Volatile.Read(ref _drops[i]);
        }
        return sum;
    }
}
