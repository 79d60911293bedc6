using System.Diagnostics;
using Bridge.Rtp;

namespace Bridge.Metrics;

/// <summary>
/// One endpoint's round-trip time from the sender reports the bridge sends it and the receiver reports that echo them
/// (RFC 3550 6.4.1: RTT = arrival of the report − send time of the SR it names in LSR − DLSR). The bridge forwards each
/// publisher's SR with the publisher's NTP time, so it remembers, per endpoint, when it sent which NTP time. Written on the
/// receive loop only; <see cref="Milliseconds"/> is read by scrapes.
/// </summary>
public sealed class RoundTripTimer
{
    // SRs of a few slots interleave (audio and video of several publishers); an RR names the last one per SSRC.
    private const int Remembered = 8;

    private readonly uint[] _ntpMiddle = new uint[Remembered];
    private readonly long[] _sentAt = new long[Remembered];
    private int _next;
    private double _milliseconds;

    /// <summary>Smoothed RTT in milliseconds (each measurement weighs 1/8, as TCP's SRTT); 0 until the first one.</summary>
    public double Milliseconds => Volatile.Read(ref _milliseconds);

    /// <summary>Notes an SR with NTP time <paramref name="ntpTimestamp"/> sent to the endpoint at Stopwatch timestamp <paramref name="now"/>.</summary>
    public void SenderReportSent(ulong ntpTimestamp, long now)
    {
        _ntpMiddle[_next] = (uint)(ntpTimestamp >> 16);
        _sentAt[_next] = now;
        _next = (_next + 1) % Remembered;
    }

    /// <summary>Takes an RTT measurement from a report block that arrived at Stopwatch timestamp <paramref name="now"/>, if it names a remembered SR.</summary>
    public void ReportReceived(ReportBlock block, long now)
    {
        if (block.LastSenderReport == 0)
        {
            return;
        }

        for (var i = 0; i < Remembered; i++)
        {
            if (_sentAt[i] != 0 && _ntpMiddle[i] == block.LastSenderReport)
            {
                var elapsed = (now - _sentAt[i]) * 1000.0 / Stopwatch.Frequency;
                // DLSR has 1/65536 s resolution, so a loopback RTT can come out slightly negative.
                var rtt = Math.Max(0, elapsed - (block.DelaySinceLastSenderReport * 1000.0 / 65536));
                var previous = _milliseconds;
                Volatile.Write(ref _milliseconds, previous == 0 ? rtt : previous + ((rtt - previous) / 8));
                return;
            }
        }
    }
}
