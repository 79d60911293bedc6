using System.Runtime.CompilerServices;

namespace Bridge.Metrics;

/// <summary>
/// Packet-path counters as plain fields: incremented without a metric call per packet and exported
/// on scrape. The bridge's instance holds what the control threads count and one part per media loop
/// (<see cref="AddPart"/>), which only that loop writes: no counter is shared on the packet path.
/// Readers take <see cref="Total"/>.
/// </summary>
public sealed class BridgeCounters
{
    private readonly long[] _drops = new long[Enum.GetValues<DropReason>().Length];
    private readonly Lock _partsGate = new();
    private BridgeCounters[] _parts = [];

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

    /// <summary>A new set of counters for one media loop, summed into <see cref="Total"/>.</summary>
    public BridgeCounters AddPart()
    {
        var part = new BridgeCounters();
        lock (_partsGate)
        {
            _parts = [.. _parts, part];
        }
        return part;
    }

    /// <summary>A snapshot of these counters plus every part's (allocates: for scrapes, stats and tests, not the packet path).</summary>
    public BridgeCounters Total()
    {
        var total = new BridgeCounters();
        total.Add(this);
        foreach (var part in Volatile.Read(ref _parts))
        {
            total.Add(part);
        }
        return total;
    }

    private void Add(BridgeCounters other)
    {
        PacketsIn += Volatile.Read(ref other.PacketsIn);
        BytesIn += Volatile.Read(ref other.BytesIn);
        PacketsOut += Volatile.Read(ref other.PacketsOut);
        BytesOut += Volatile.Read(ref other.BytesOut);
        RtpIn += Volatile.Read(ref other.RtpIn);
        RtpForwarded += Volatile.Read(ref other.RtpForwarded);
        Retransmissions += Volatile.Read(ref other.Retransmissions);
        RetransmissionMisses += Volatile.Read(ref other.RetransmissionMisses);
        RelayRetransmissions += Volatile.Read(ref other.RelayRetransmissions);
        RelayNacksPassedUp += Volatile.Read(ref other.RelayNacksPassedUp);
        KeyframeRequestsIn += Volatile.Read(ref other.KeyframeRequestsIn);
        KeyframeRequestsOut += Volatile.Read(ref other.KeyframeRequestsOut);
        SendErrors += Volatile.Read(ref other.SendErrors);
        IceFailures += Volatile.Read(ref other.IceFailures);
        DtlsFailures += Volatile.Read(ref other.DtlsFailures);
        ConsentExpirations += Volatile.Read(ref other.ConsentExpirations);
        for (var i = 0; i < _drops.Length; i++)
        {
            _drops[i] += Volatile.Read(ref other._drops[i]);
        }
    }
}
