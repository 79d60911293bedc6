namespace BridgeRelay.Link;

/// <summary>
/// Keepalive schedule, RTT and liveness of one relay link. Times are <see cref="TimeProvider.GetTimestamp"/> values of the injected provider;
/// keepalives carry the sender's timestamp and acks echo it, so RTT needs no clock agreement. Not thread-safe: drive it from the link's loop.
/// </summary>
public sealed class RelayLinkHealth
{
    private readonly long _keepaliveInterval;
    private readonly long _downAfter;
    private readonly double _timeSpanTicksPerTimestamp;
    private long _lastKeepalive;
    private bool _keepaliveSent;
    private long _lastDatagram;
    private long _smoothedRtt;
    private long _lastRtt;

    /// <summary>Creates the health of a link that starts Down; defaults: a keepalive every 500 ms, Down after 3 s without an authenticated datagram.</summary>
    public RelayLinkHealth(TimeProvider timeProvider, TimeSpan? keepaliveInterval = null, TimeSpan? downAfter = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        KeepaliveInterval = keepaliveInterval ?? TimeSpan.FromMilliseconds(500);
        DownAfter = downAfter ?? TimeSpan.FromSeconds(3);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(KeepaliveInterval, TimeSpan.Zero, nameof(keepaliveInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DownAfter, KeepaliveInterval, nameof(downAfter));
        TimeProvider = timeProvider;
        _keepaliveInterval = ToTimestamp(KeepaliveInterval, timeProvider.TimestampFrequency);
        _downAfter = ToTimestamp(DownAfter, timeProvider.TimestampFrequency);
        _timeSpanTicksPerTimestamp = (double)TimeSpan.TicksPerSecond / timeProvider.TimestampFrequency;
    }

    /// <summary>Clock the timestamps come from; <c>TimeProvider.GetTimestamp()</c> is the <c>now</c> to pass in.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Time between keepalives.</summary>
    public TimeSpan KeepaliveInterval { get; }

    /// <summary>Silence after which the link is Down.</summary>
    public TimeSpan DownAfter { get; }

    /// <summary>Current liveness.</summary>
    public RelayLinkState State { get; private set; }

    /// <summary>Number of Up/Down changes so far.</summary>
    public long Transitions { get; private set; }

    /// <summary>True once an ack gave an RTT sample.</summary>
    public bool HasRtt { get; private set; }

    /// <summary>RTT of the latest ack; zero before the first.</summary>
    public TimeSpan LastRtt => ToTimeSpan(_lastRtt);

    /// <summary>Smoothed RTT (RFC 6298 §2: SRTT = 7/8 SRTT + 1/8 R); zero before the first ack.</summary>
    public TimeSpan SmoothedRtt => ToTimeSpan(_smoothedRtt);

    /// <summary>True when a keepalive is due; a true answer records that one is sent at <paramref name="now"/>, so send it.</summary>
    public bool ShouldSendKeepalive(long now)
    {
        if (_keepaliveSent && now - _lastKeepalive < _keepaliveInterval)
        {
            return false;
        }

        _keepaliveSent = true;
        _lastKeepalive = now;
        return true;
    }

    /// <summary>Takes an RTT sample from an authenticated ack; echoes from the future or older than <see cref="DownAfter"/> are ignored.</summary>
    public void OnKeepaliveAck(long echoedTicks, long now)
    {
        long rtt = now - echoedTicks;
        if (rtt < 0 || rtt > _downAfter)
        {
            return;
        }

        _lastRtt = rtt;
        _smoothedRtt = HasRtt ? _smoothedRtt + ((rtt - _smoothedRtt) / 8) : rtt;
        HasRtt = true;
    }

    /// <summary>Any authenticated datagram proves the peer alive; brings a Down link Up.</summary>
    public void OnDatagram(long now)
    {
        _lastDatagram = now;
        if (State == RelayLinkState.Down)
        {
            State = RelayLinkState.Up;
            Transitions++;
        }
    }

    /// <summary>True when no authenticated datagram arrived for <see cref="DownAfter"/> (or ever); moves an Up link to Down.</summary>
    public bool IsDown(long now)
    {
        if (State == RelayLinkState.Up && now - _lastDatagram >= _downAfter)
        {
            State = RelayLinkState.Down;
            Transitions++;
        }

        return State == RelayLinkState.Down;
    }

    private static long ToTimestamp(TimeSpan span, long frequency) => (long)(span.TotalSeconds * frequency);

    private TimeSpan ToTimeSpan(long timestampDelta) => new((long)(timestampDelta * _timeSpanTicksPerTimestamp));
}
