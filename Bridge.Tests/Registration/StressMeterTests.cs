using Bridge.Registration;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Registration;

public class StressMeterTests
{
    private readonly FakeTimeProvider _time = new();
    private long _packets;
    private TimeSpan _cpu;

    private StressMeter Meter(bool cpu = true, int processors = 2, double capacity = 1000) =>
        new(() => _packets, cpu ? () => _cpu : null, processors, capacity, _time);

    [Fact]
    public void Packet_rate_over_capacity_is_the_stress()
    {
        var meter = Meter();
        _packets = 2500;
        _time.Advance(TimeSpan.FromSeconds(5));
        var sample = meter.Sample();
        Assert.Equal(500, sample.PacketRatePps, 6);
        Assert.Equal(0.5, sample.Stress, 6);
        Assert.Equal(sample, meter.Current);
    }

    [Fact]
    public void Only_the_last_interval_counts()
    {
        var meter = Meter();
        _packets = 5000;
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1.0, meter.Sample().Stress, 6);
        _time.Advance(TimeSpan.FromSeconds(5));
        var idle = meter.Sample();
        Assert.Equal(0, idle.PacketRatePps);
        Assert.Equal(0, idle.Stress);
    }

    [Fact]
    public void Cpu_share_wins_when_higher_and_is_spread_over_processors()
    {
        var meter = Meter(processors: 4);
        _packets = 1000; // 0.2 by packets over 5 s
        _cpu = TimeSpan.FromSeconds(12); // 12 s of CPU in 5 s on 4 cores = 0.6
        _time.Advance(TimeSpan.FromSeconds(5));
        var sample = meter.Sample();
        Assert.Equal(0.6, sample.CpuShare, 6);
        Assert.Equal(0.6, sample.Stress, 6);
    }

    [Fact]
    public void Cpu_left_out_counts_zero()
    {
        var meter = Meter(cpu: false);
        _cpu = TimeSpan.FromSeconds(100);
        _time.Advance(TimeSpan.FromSeconds(1));
        var sample = meter.Sample();
        Assert.Equal(0, sample.CpuShare);
        Assert.Equal(0, sample.Stress);
    }

    [Fact]
    public void Stress_is_clamped_to_the_maximum()
    {
        var meter = Meter();
        _packets = 1_000_000;
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(StressMeter.MaxStress, meter.Sample().Stress);
    }

    [Fact]
    public void A_counter_that_goes_back_reads_as_idle_not_negative()
    {
        _packets = 10_000;
        _cpu = TimeSpan.FromSeconds(10);
        var meter = Meter();
        _packets = 0;
        _cpu = TimeSpan.Zero;
        _time.Advance(TimeSpan.FromSeconds(1));
        var sample = meter.Sample();
        Assert.Equal(0, sample.PacketRatePps);
        Assert.Equal(0, sample.CpuShare);
        Assert.Equal(0, sample.Stress);
    }

    [Fact]
    public void An_empty_interval_keeps_the_previous_sample()
    {
        var meter = Meter();
        _packets = 300;
        _time.Advance(TimeSpan.FromSeconds(1));
        var first = meter.Sample();
        _packets = 10_000;
        Assert.Same(first, meter.Sample());
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new StressMeter(() => 0, null, 0, 1000, _time));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StressMeter(() => 0, null, 1, 0, _time));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StressMeter(() => 0, null, 1, double.NaN, _time));
    }
}
