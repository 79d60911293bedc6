using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Bridge.Client;
using Bridge.Metrics;
using Bridge.Rtp;
using Bridge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Deploy;

/// <summary>The jitsi_jvb_* set: its parts (RTT from SR/RR, 1 s rates, transit histogram) and a real bridge forwarding media.</summary>
public sealed class JvbMetricsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public void Rtt_is_the_time_from_a_sender_report_to_the_receiver_report_naming_it_less_the_receivers_delay()
    {
        var timer = new RoundTripTimer();
        var ms = Stopwatch.Frequency / 1000;
        const ulong ntp = 0x0123_4567_89AB_CDEFUL;
        timer.SenderReportSent(0x1111_2222_3333_4444UL, 1_000 * ms);
        timer.SenderReportSent(ntp, 2_000 * ms);

        // Arrives 130 ms after the SR; the receiver held it 30 ms (DLSR in 1/65536 s): RTT 100 ms.
        timer.ReportReceived(Block(lsr: 0x4567_89AB, dlsr: 30 * 65536 / 1000), 2_130 * ms);

        Assert.Equal(100, timer.Milliseconds, 1);

        // A later measurement of 180 ms weighs one eighth.
        timer.ReportReceived(Block(lsr: 0x4567_89AB, dlsr: 0), 2_180 * ms);
        Assert.Equal(110, timer.Milliseconds, 1);
    }

    [Theory]
    [InlineData(0u)] // no SR received yet
    [InlineData(0xDEAD_BEEFu)] // an SR this bridge never sent (or one forgotten long ago)
    public void A_report_naming_no_remembered_sender_report_measures_nothing(uint lsr)
    {
        var timer = new RoundTripTimer();
        timer.SenderReportSent(0x0123_4567_89AB_CDEFUL, Stopwatch.GetTimestamp());

        timer.ReportReceived(Block(lsr, 0), Stopwatch.GetTimestamp());

        Assert.Equal(0, timer.Milliseconds);
    }

    [Fact]
    public void A_delay_longer_than_the_round_trip_reads_zero_never_negative()
    {
        var timer = new RoundTripTimer();
        timer.SenderReportSent(0x0123_4567_89AB_CDEFUL, 0);

        timer.ReportReceived(Block(0x4567_89AB, 65536), Stopwatch.Frequency / 2);

        Assert.Equal(0, timer.Milliseconds);
    }

    [Fact]
    public void Rates_are_counter_deltas_over_the_sampled_interval()
    {
        var clock = new FakeTimeProvider();
        var counters = new BridgeCounters();
        var rates = new TrafficRates(counters, clock);
        counters.PacketsIn = 300;
        counters.BytesIn = 300 * 1000;
        counters.PacketsOut = 1200;
        counters.BytesOut = 1200 * 1000;

        clock.Advance(TimeSpan.FromSeconds(2));
        var sample = rates.Sample();

        Assert.Equal(new TrafficSample(150, 600, 150 * 8000, 600 * 8000), sample);
        Assert.Equal(sample, rates.Current);
        // No time passed: the previous sample stands; a counter that went back reads as idle.
        Assert.Equal(sample, rates.Sample());
        counters.PacketsIn = 0;
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, rates.Sample().PacketsInPerSecond);
    }

    [Fact]
    public void Observing_transit_time_allocates_nothing()
    {
        var transit = new PacketTransit(Prometheus.Metrics.NewCustomRegistry());
        transit.MarkReceived();
        transit.ObserveSent();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100_000; i++)
        {
            transit.MarkReceived();
            transit.ObserveSent();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(100_001, transit.Count);
    }

    [Fact]
    public async Task A_forwarding_bridge_exports_endpoints_visitors_rates_and_the_transit_time_of_every_copy()
    {
        await using var bridge = await TestBridge.StartAsync(o => o.StressIncludesCpu = false);
        var (publisher, _) = await bridge.ConnectPeerAsync("jvb", "pub", publish: true);
        using var _p = publisher;
        var viewers = new List<SimulatedPeer>();
        for (var i = 0; i < 2; i++)
        {
            viewers.Add((await bridge.ConnectPeerAsync("jvb", $"view{i}", publish: false)).Peer);
        }

        try
        {
            await bridge.WaitSecureAsync("jvb", "pub", "view0", "view1");
            for (ushort seq = 1; seq <= 50; seq++)
            {
                publisher.SendRtp(0x1111, 111, seq, seq * 960u, [0xA, 0xB]);
            }

            Assert.True(await SimulatedPeer.WaitUntilAsync(() => viewers.All(v => v.ReceivedRtp.Count >= 50), Wait));
            // The 1 s sampler runs on the real clock here: wait for a sample that saw the burst.
            Assert.True(await SimulatedPeer.WaitUntilAsync(() => bridge.Services.GetRequiredService<TrafficRates>().Current.PacketsOutPerSecond > 0, Wait));

            var metrics = await bridge.Http.GetStringAsync("/metrics");
            Assert.Equal(3, Sample(metrics, "jitsi_jvb_endpoints"));
            Assert.Equal(2, Sample(metrics, "jitsi_jvb_current_visitors"));
            Assert.Equal(1, Sample(metrics, "jitsi_jvb_conferences"));
            Assert.Equal(0, Sample(metrics, "jitsi_jvb_relays"));
            Assert.True(Sample(metrics, "jitsi_jvb_outgoing_packet_rate") > 0);
            Assert.True(Sample(metrics, "jitsi_jvb_outgoing_bitrate") > 8 * Sample(metrics, "jitsi_jvb_outgoing_packet_rate"));
            // One observation per copy sent to a viewer (the publisher gets no copy of its own media).
            var copies = Sample(metrics, "jitsi_jvb_rtp_transit_time_count");
            Assert.InRange(copies, 100, 100);
            Assert.Equal(copies, Sample(metrics, "jitsi_jvb_rtp_transit_time_bucket{le=\"+Inf\"}"));
            // Milliseconds: a loopback bridge forwards well inside half a second per copy even on a loaded machine.
            Assert.InRange(Sample(metrics, "jitsi_jvb_rtp_transit_time_sum") / copies, 0, 500);
        }
        finally
        {
            viewers.ForEach(v => v.Dispose());
        }
    }

    private static ReportBlock Block(uint lsr, uint dlsr) => new(0x5555, 0, 0, 0, 0, lsr, dlsr);

    private static double Sample(string exposition, string series)
    {
        var match = Regex.Match(exposition, $"^{Regex.Escape(series)} (\\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"no sample {series} in:\n{exposition}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
