using System.Text.Json;
using System.Text.Json.Serialization;

namespace LoadHarness;

/// <summary>Latency percentiles in milliseconds.</summary>
public sealed record LatencyMs(
    [property: JsonPropertyName("p50")] double P50,
    [property: JsonPropertyName("p90")] double P90,
    [property: JsonPropertyName("p99")] double P99,
    [property: JsonPropertyName("max")] double Max);

/// <summary>Join time (start of joining to first media packet) percentiles in seconds.</summary>
public sealed record JoinSeconds(
    [property: JsonPropertyName("p50")] double P50,
    [property: JsonPropertyName("p99")] double P99);

/// <summary>
/// The run's figures as written by --json, with exactly the keys of issue 7. Figures that could not be measured
/// (CPU and memory of an attached fleet without --fleet-pid, the limit without gcc) are null.
/// </summary>
public sealed record HarnessResult(
    [property: JsonPropertyName("viewers")] int Viewers,
    [property: JsonPropertyName("bridges")] int Bridges,
    [property: JsonPropertyName("publishers")] int Publishers,
    [property: JsonPropertyName("egress_pps")] double EgressPps,
    [property: JsonPropertyName("egress_mbps")] double EgressMbps,
    [property: JsonPropertyName("loss_fraction")] double LossFraction,
    [property: JsonPropertyName("latency_ms")] LatencyMs LatencyMs,
    [property: JsonPropertyName("join_s")] JoinSeconds JoinS,
    [property: JsonPropertyName("bridge_cpu_core_seconds")] double? BridgeCpuCoreSeconds,
    [property: JsonPropertyName("bridge_rss_bytes_per_viewer")] double? BridgeRssBytesPerViewer,
    [property: JsonPropertyName("limit_pps")] double? LimitPps,
    [property: JsonPropertyName("ratio_to_limit")] double? RatioToLimit,
    [property: JsonPropertyName("pps_per_core")] double? PpsPerCore)
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    /// <summary>The JSON text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);
}
