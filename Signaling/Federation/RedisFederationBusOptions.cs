using StackExchange.Redis;

namespace Signaling.Federation;

/// <summary>Settings of <see cref="RedisFederationBus"/>.</summary>
/// <param name="ConnectionString">StackExchange.Redis configuration, e.g. <c>127.0.0.1:6390,abortConnect=false,connectTimeout=2000</c>.</param>
public sealed record RedisFederationBusOptions(string ConnectionString)
{
    /// <summary>Retention bound per stream, applied with XADD MAXLEN ~ (Redis may keep somewhat more).</summary>
    public long MaxStreamLength { get; init; } = FederationStreams.DefaultMaxLength;

    /// <summary>How long an idempotency key is remembered, i.e. how late a retried publish is still de-duplicated.</summary>
    public TimeSpan IdempotencyWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Wait between reads of a stream that had nothing new (the added latency of an idle stream).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Most entries fetched by one read.</summary>
    public int ReadBatchSize { get; init; } = 256;

    /// <summary>First retry delay after a failed read; doubles per failure up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Longest retry delay of a subscription and of the client's own reconnect loop.</summary>
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Returns the problems with these settings, empty when they are usable.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            errors.Add("ConnectionString is required.");
        }
        else
        {
            try
            {
                if (ConfigurationOptions.Parse(ConnectionString).EndPoints.Count == 0)
                {
                    errors.Add("ConnectionString names no endpoint.");
                }
            }
            catch (ArgumentException ex)
            {
                errors.Add($"ConnectionString is invalid: {ex.Message}");
            }
        }

        if (MaxStreamLength < 1)
        {
            errors.Add("MaxStreamLength must be at least 1.");
        }

        if (IdempotencyWindow < TimeSpan.FromSeconds(1))
        {
            errors.Add("IdempotencyWindow must be at least 1 s.");
        }

        if (PollInterval <= TimeSpan.Zero || PollInterval > TimeSpan.FromSeconds(10))
        {
            errors.Add("PollInterval must be in (0, 10 s].");
        }

        if (ReadBatchSize is < 1 or > 10_000)
        {
            errors.Add("ReadBatchSize must be 1..10000.");
        }

        if (ReconnectMinDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectMinDelay || ReconnectMaxDelay > TimeSpan.FromMinutes(1))
        {
            errors.Add("Reconnect delays must satisfy 0 < ReconnectMinDelay <= ReconnectMaxDelay <= 1 min.");
        }

        return errors;
    }
}
