namespace Signaling.Protocol;

/// <summary>What to do with one client frame.</summary>
public enum RateDecision
{
    /// <summary>Handle the frame.</summary>
    Allowed,

    /// <summary>Drop the frame and reply a non-fatal <c>rate-limited</c> error.</summary>
    Limited,

    /// <summary>Sustained abuse: reply a fatal <c>rate-limited</c> error and close this client only. Sticky.</summary>
    Close,
}

/// <summary>Budget of one client connection (docs/signaling-protocol.md, "Rate limit").</summary>
public sealed record RateLimitOptions
{
    /// <summary>The defaults: 20 frames/s sustained, bursts of 40, close after more than 50 refusals within 10 s.</summary>
    public static RateLimitOptions Default { get; } = new();

    /// <summary>Frames per second refilled into the bucket.</summary>
    public double SustainedPerSecond { get; init; } = 20;

    /// <summary>Bucket size: frames a client may send at once after being quiet.</summary>
    public int Burst { get; init; } = 40;

    /// <summary>More refused frames than this within <see cref="AbuseWindow"/> closes the client.</summary>
    public int CloseAfterLimited { get; init; } = 50;

    /// <summary>The window over which refused frames are counted, starting at the first refusal.</summary>
    public TimeSpan AbuseWindow { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Token bucket per client connection: each frame costs one token; the bucket holds <see cref="RateLimitOptions.Burst"/>
/// tokens and refills at <see cref="RateLimitOptions.SustainedPerSecond"/>. A client that keeps sending into an empty
/// bucket is told to close. One instance per connection, used from that connection's receive loop (not thread-safe).
/// </summary>
public sealed class ClientRateLimiter
{
    private readonly TimeProvider time;
    private readonly RateLimitOptions options;
    private double tokens;
    private long lastRefill;
    private long windowStart;
    private int limitedInWindow;
    private bool closed;

    /// <summary>A full bucket under <paramref name="options"/> (defaults when null), timed by <paramref name="time"/> (system clock when null).</summary>
    public ClientRateLimiter(RateLimitOptions? options = null, TimeProvider? time = null)
    {
        this.options = options ?? RateLimitOptions.Default;
        this.time = time ?? TimeProvider.System;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(this.options.SustainedPerSecond, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(this.options.Burst, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(this.options.CloseAfterLimited, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(this.options.AbuseWindow, TimeSpan.Zero, nameof(options));
        tokens = this.options.Burst;
        lastRefill = this.time.GetTimestamp();
    }

    /// <summary>The reply for <paramref name="decision"/>: null when allowed, else a <c>rate-limited</c> error, fatal for <see cref="RateDecision.Close"/>.</summary>
    public static ErrorMessage? Refusal(RateDecision decision) => decision switch
    {
        RateDecision.Allowed => null,
        RateDecision.Limited => new ErrorMessage(ErrorCode.RateLimited, "too many messages; this one was dropped", null, Fatal: false),
        _ => new ErrorMessage(ErrorCode.RateLimited, "too many messages; closing", null, Fatal: true),
    };

    /// <summary>Charges one frame: <see cref="RateDecision.Allowed"/>, <see cref="RateDecision.Limited"/>, or (for good) <see cref="RateDecision.Close"/>.</summary>
    public RateDecision TryConsume()
    {
        if (closed)
        {
            return RateDecision.Close;
        }

        var now = time.GetTimestamp();
        var elapsed = time.GetElapsedTime(lastRefill, now);
        lastRefill = now;
        tokens = Math.Min(options.Burst, tokens + (elapsed.TotalSeconds * options.SustainedPerSecond));
        if (tokens >= 1)
        {
            tokens -= 1;
            return RateDecision.Allowed;
        }

        if (limitedInWindow == 0 || time.GetElapsedTime(windowStart, now) > options.AbuseWindow)
        {
            windowStart = now;
            limitedInWindow = 0;
        }

        if (++limitedInWindow > options.CloseAfterLimited)
        {
            closed = true;
            return RateDecision.Close;
        }

        return RateDecision.Limited;
    }
}
