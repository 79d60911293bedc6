using Bridge.Conferences;
using Bridge.Metrics;
using Bridge.Registration;

namespace Bridge.Api;

/// <summary>GET /stats: the bridge's counters and load at a glance.</summary>
public sealed record BridgeStats(
    int Conferences,
    int Endpoints,
    long PacketsReceived,
    long PacketsSent,
    long BytesReceived,
    long BytesSent,
    long RtpReceived,
    long RtpForwarded,
    long Retransmissions,
    long KeyframeRequestsReceived,
    long KeyframeRequestsSent,
    long IceFailures,
    long DtlsFailures,
    long DroppedTotal,
    IReadOnlyDictionary<string, long> Dropped,
    double Stress,
    double PacketRatePps,
    int MediaLoops)
{
    /// <summary>Takes a snapshot.</summary>
    public static BridgeStats From(ConferenceManager conferences, BridgeCounters c, StressSample stress, int mediaLoops)
    {
        ArgumentNullException.ThrowIfNull(stress);
        ArgumentNullException.ThrowIfNull(conferences);
        ArgumentNullException.ThrowIfNull(c);
        c = c.Total();
        return new BridgeStats(
            conferences.Conferences.Count,
            conferences.EndpointCount,
            Volatile.Read(ref c.PacketsIn),
            Volatile.Read(ref c.PacketsOut),
            Volatile.Read(ref c.BytesIn),
            Volatile.Read(ref c.BytesOut),
            Volatile.Read(ref c.RtpIn),
            Volatile.Read(ref c.RtpForwarded),
            Volatile.Read(ref c.Retransmissions),
            Volatile.Read(ref c.KeyframeRequestsIn),
            Volatile.Read(ref c.KeyframeRequestsOut),
            Volatile.Read(ref c.IceFailures),
            Volatile.Read(ref c.DtlsFailures),
            c.DroppedTotal(),
            Enum.GetValues<DropReason>().ToDictionary(DropReasonNames.Of, c.Dropped),
            stress.Stress,
            stress.PacketRatePps,
            mediaLoops);
    }
}
