using BridgeRelay.Contracts;
using Microsoft.Extensions.Time.Testing;
using Signaling.Assignment;
using Signaling.Bridges;

namespace Bridge.Tests.Registration;

public class BridgeRegistryTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly BridgeRegistry _registry;

    public BridgeRegistryTests()
    {
        _registry = new BridgeRegistry(new BridgeSelector(_time, new BridgeSelectorOptions { ReportInterval = TimeSpan.FromSeconds(5) }), _time, endpointPacketsPerSecond: 400);
    }

    private static BridgeReport Report(string id, double stress = 0.1, double capacity = 200_000) =>
        new(id, "eu", $"http://{id}.test:8080", "192.0.2.1", 10000, capacity, stress, stress * capacity, 10, 1, 0);

    [Fact]
    public void First_report_registers_and_later_ones_report()
    {
        Assert.True(_registry.Accept(Report("b1", 0.1)));
        Assert.False(_registry.Accept(Report("b1", 0.3)));
        var listed = Assert.Single(_registry.List());
        Assert.Equal("alive", listed.State);
        Assert.Equal(0.3, listed.Report.Stress);
        Assert.Equal(500, listed.CapacityEndpoints);
        Assert.Equal(0.3, Assert.Single(_registry.Selector.Snapshot()).Stress);
    }

    [Fact]
    public void A_bridge_silent_for_three_intervals_is_swept_out_with_its_core_conferences_and_comes_back_on_its_next_report()
    {
        _registry.Accept(Report("b1"));
        _registry.Accept(Report("b2", 0.5));
        var room = RoomName.Parse("acme/town-hall");
        Assert.Equal("b1", _registry.Selector.ChooseCore(room).BridgeId);

        _time.Advance(TimeSpan.FromSeconds(10));
        _registry.Accept(Report("b2", 0.5));
        Assert.Empty(_registry.Sweep());
        _time.Advance(TimeSpan.FromSeconds(5));
        var loss = Assert.Single(_registry.Sweep());
        Assert.Equal("b1", loss.BridgeId);
        Assert.Equal([room], loss.CoreConferences);

        var states = _registry.List().ToDictionary(b => b.Report.BridgeId, b => b.State);
        Assert.Equal("out", states["b1"]);
        Assert.Equal("alive", states["b2"]);
        Assert.Equal("b2", _registry.Selector.ChooseCore(room).BridgeId);

        Assert.True(_registry.Accept(Report("b1")));
        Assert.Equal("alive", _registry.List()[0].State);
    }

    [Fact]
    public void Out_shows_before_the_sweep_and_failed_shows_while_held()
    {
        _registry.Accept(Report("b1"));
        _registry.Accept(Report("b2"));
        _registry.Selector.MarkFailed("b2");
        _time.Advance(TimeSpan.FromSeconds(15));
        _registry.Accept(Report("b2"));
        var states = _registry.List().ToDictionary(b => b.Report.BridgeId, b => b.State);
        Assert.Equal("out", states["b1"]);
        Assert.Equal("failed", states["b2"]);
    }

    [Fact]
    public void A_bridge_reporting_every_20_s_stays_alive_between_its_reports()
    {
        // Signaling expects 5 s; the bridge says 20 s: three of its intervals, not three of signaling's, take it out.
        _registry.Accept(Report("b1") with { ReportIntervalSeconds = 20 });
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Empty(_registry.Sweep());
        Assert.False(_registry.Accept(Report("b1") with { ReportIntervalSeconds = 20 }));
        Assert.Equal("alive", _registry.List()[0].State);
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal("b1", Assert.Single(_registry.Sweep()).BridgeId);
    }

    [Fact]
    public void A_tiny_capacity_still_counts_one_endpoint()
    {
        _registry.Accept(Report("b1", capacity: 1));
        Assert.Equal(1, _registry.List()[0].CapacityEndpoints);
    }
}
