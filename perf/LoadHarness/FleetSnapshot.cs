using Bridge.Api;

namespace LoadHarness;

/// <summary>The fleet and the viewers at one moment: bridge counters, CPU, memory, and what the viewers received.</summary>
public sealed record FleetSnapshot(
    double Seconds,
    string Phase,
    IReadOnlyList<BridgeStats?> Bridges,
    double? CpuSeconds,
    double? ForwardCpuSeconds,
    long? RssBytes,
    int ViewersConnected,
    long ViewerPackets,
    long ViewerSocketDrops)
{
    /// <summary>RTP packets the bridges sent to receivers, in all.</summary>
    public long RtpForwarded => Bridges.Sum(b => b?.RtpForwarded ?? 0);

    /// <summary>Bytes the bridges sent, in all (media, relay, STUN).</summary>
    public long BytesSent => Bridges.Sum(b => b?.BytesSent ?? 0);

    /// <summary>Datagrams the bridges sent, in all.</summary>
    public long PacketsSent => Bridges.Sum(b => b?.PacketsSent ?? 0);

    /// <summary>Drops by reason, summed over the bridges.</summary>
    public IReadOnlyDictionary<string, long> DroppedByReason =>
        Bridges.Where(b => b is not null).SelectMany(b => b!.Dropped).GroupBy(d => d.Key).ToDictionary(g => g.Key, g => g.Sum(d => d.Value));

    /// <summary>Packets the bridges dropped, in all.</summary>
    public long Dropped => Bridges.Sum(b => b?.DroppedTotal ?? 0);
}

/// <summary>Rates between two snapshots: one point of the time series.</summary>
public sealed record Rates(double Seconds, string Phase, double EgressPps, double EgressMbps, double? BridgeCores, double? ForwardCores, double ViewerPps, int ViewersConnected)
{
    /// <summary>Rates from <paramref name="a"/> to <paramref name="b"/>.</summary>
    public static Rates Between(FleetSnapshot a, FleetSnapshot b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var dt = Math.Max(1e-3, b.Seconds - a.Seconds);
        return new Rates(
            b.Seconds,
            b.Phase,
            (b.RtpForwarded - a.RtpForwarded) / dt,
            (b.BytesSent - a.BytesSent) * 8 / dt / 1e6,
            b.CpuSeconds - a.CpuSeconds is { } cpu ? cpu / dt : null,
            b.ForwardCpuSeconds - a.ForwardCpuSeconds is { } forward ? forward / dt : null,
            (b.ViewerPackets - a.ViewerPackets) / dt,
            b.ViewersConnected);
    }
}
