using Bridge.Rtp;

namespace LoadHarness;

/// <summary>
/// What every viewer received: time to first packet, and for packets sent inside the measurement window, per
/// stream counts, reordering and jitter, and one-way latency. Written only by the receive threads of the viewers'
/// sockets (a viewer's packets always arrive on the same one), read after the window; allocates nothing per packet.
/// </summary>
public sealed class ViewerBook
{
    /// <summary>Streams tracked per viewer: 8 publishers × audio, video.</summary>
    public const int MaxStreams = 16;

    private readonly StreamState[] _streams;
    private readonly long[] _joinStart;
    private readonly long[] _firstArrival;
    private readonly SocketTally[] _tallies;
    private readonly MeasurementWindow _window;

    /// <summary>Books for <paramref name="viewers"/> viewers spread over <paramref name="sockets"/> sockets (viewer % sockets), measuring packets sent in <paramref name="window"/>.</summary>
    public ViewerBook(int viewers, int sockets, MeasurementWindow window)
    {
        _window = window;
        Viewers = viewers;
        _streams = new StreamState[viewers * MaxStreams];
        _joinStart = new long[viewers];
        _firstArrival = new long[viewers];
        _tallies = Enumerable.Range(0, sockets).Select(_ => new SocketTally()).ToArray();
    }

    /// <summary>Viewers booked.</summary>
    public int Viewers { get; }

    /// <summary>Packets received so far, all sockets.</summary>
    public long PacketsReceived => _tallies.Sum(t => Volatile.Read(ref t.Packets));

    /// <summary>SRTP bytes (as decrypted plain RTP) received so far, all sockets.</summary>
    public long BytesReceived => _tallies.Sum(t => Volatile.Read(ref t.Bytes));

    /// <summary>Packets without our trailer (not counted anywhere else).</summary>
    public long Foreign => _tallies.Sum(t => Volatile.Read(ref t.Foreign));

    /// <summary>Latency of every packet sent in the window, merged over the sockets (µs).</summary>
    public LatencyHistogram Latency
    {
        get
        {
            var all = new LatencyHistogram();
            foreach (var t in _tallies)
            {
                all.Add(t.Latency);
            }
            return all;
        }
    }

    /// <summary>Marks when viewer <paramref name="viewer"/> started joining (Unix ns).</summary>
    public void JoinStarted(int viewer, long unixNanoseconds) => _joinStart[viewer] = unixNanoseconds;

    /// <summary>Seconds from joining to the first media packet, of every viewer that got one.</summary>
    public IEnumerable<double> JoinSeconds()
    {
        for (var i = 0; i < Viewers; i++)
        {
            var first = Volatile.Read(ref _firstArrival[i]);
            if (first != 0 && _joinStart[i] != 0)
            {
                yield return (first - _joinStart[i]) / 1e9;
            }
        }
    }

    /// <summary>Viewers that received at least one media packet.</summary>
    public int ViewersWithMedia => _firstArrival.Count(f => f != 0);

    /// <summary>Called for every decrypted RTP packet on the receive thread of the viewer's socket.</summary>
    public void OnPacket(int viewer, ReadOnlySpan<byte> plain, long arrivalUnixNanoseconds)
    {
        if ((uint)viewer >= (uint)Viewers)
        {
            return;
        }
        var tally = _tallies[viewer % _tallies.Length];
        if (!RtpPacket.TryParse(plain, out var rtp)
            || !MediaTrailer.TryRead(plain[rtp.HeaderLength..], out var publisher, out var kind, out var index, out var sent))
        {
            tally.Foreign++;
            return;
        }
        var arrival = arrivalUnixNanoseconds != 0 ? arrivalUnixNanoseconds : Clock.UnixNanoseconds();
        tally.Packets++;
        tally.Bytes += plain.Length;
        if (_firstArrival[viewer] == 0)
        {
            Volatile.Write(ref _firstArrival[viewer], arrival);
        }
        var stream = (publisher * 2) + kind;
        if (!_window.Contains(sent) || stream >= MaxStreams)
        {
            return;
        }
        var transit = arrival - sent;
        tally.Latency.Record(transit / 1000);
        ref var s = ref _streams[(viewer * MaxStreams) + stream];
        if (s.Received > 0)
        {
            if (index < s.Highest)
            {
                s.Reordered++;
            }
            // RFC 3550 6.4.1 interarrival jitter, on send and arrival times rather than RTP timestamps.
            var d = Math.Abs(transit - s.LastTransit);
            s.JitterNanoseconds += (d - s.JitterNanoseconds) / 16;
        }
        s.Highest = Math.Max(s.Highest, index);
        s.LastTransit = transit;
        s.Received++;
    }

    /// <summary>Packets of stream <paramref name="stream"/> that viewer <paramref name="viewer"/> received from the window.</summary>
    public int Received(int viewer, int stream) => _streams[(viewer * MaxStreams) + stream].Received;

    /// <summary>Packets received out of order (index below one already received), all viewers.</summary>
    public long Reordered() => _streams.Sum(s => (long)s.Reordered);

    /// <summary>Per viewer and stream jitter in ms, of viewer-streams with at least two packets.</summary>
    public IEnumerable<double> JitterMilliseconds() =>
        _streams.Where(s => s.Received > 1).Select(s => s.JitterNanoseconds / 1e6);

    private struct StreamState
    {
        public int Received;
        public int Reordered;
        public uint Highest;
        public long LastTransit;
        public double JitterNanoseconds;
    }

    /// <summary>One receive thread's counters, in their own object so threads do not share cache lines.</summary>
    private sealed class SocketTally
    {
        public long Packets;
        public long Bytes;
        public long Foreign;
        public LatencyHistogram Latency { get; } = new();
    }
}
