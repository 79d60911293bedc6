namespace Signaling.Features.Reactions;

/// <summary>
/// One client's reaction budget: a token bucket of <see cref="PerSecond"/> tokens refilled at that rate. Used only from
/// the client's receive loop, so it needs no lock.
/// </summary>
internal sealed class ReactionAllowance(TimeProvider time)
{
    /// <summary>Reactions a client may send per second (and in one burst).</summary>
    public const int PerSecond = 5;

    private double _tokens = PerSecond;
    private long _last = time.GetTimestamp();

    /// <summary>True when the client may send one more reaction now (and takes it).</summary>
    public bool TryTake()
    {
        var now = time.GetTimestamp();
        _tokens = Math.Min(PerSecond, _tokens + (time.GetElapsedTime(_last, now).TotalSeconds * PerSecond));
        _last = now;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens--;
        return true;
    }
}
