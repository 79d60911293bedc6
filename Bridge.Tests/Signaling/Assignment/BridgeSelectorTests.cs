using Microsoft.Extensions.Time.Testing;
using Signaling.Assignment;

namespace Bridge.Tests.Signaling.Assignment;

public class BridgeSelectorTests
{
    private static readonly RoomName X = RoomName.Parse("acme/x");
    private static readonly RoomName Y = RoomName.Parse("acme/y");
    private static readonly RoomName Z = RoomName.Parse("other/z");

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    private BridgeSelector NewSelector(BridgeSelectorOptions? options = null) => new(_time, options);

    private static Dictionary<string, int> Burst(BridgeSelector selector, int joins, RoomName conference, string? region = null) =>
        Enumerable.Range(0, joins)
            .Select(_ => selector.ChooseVisitorBridge(conference, region).BridgeId)
            .GroupBy(id => id)
            .ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public void Defaults_match_the_design()
    {
        var options = new BridgeSelectorOptions();
        Assert.Equal(TimeSpan.FromSeconds(5), options.ReportInterval);
        Assert.Equal(3, options.MissedReportsBeforeOut);
        Assert.Equal(0.8, options.StressThreshold);
        Assert.Equal(TimeSpan.FromSeconds(20), options.RecentAddWindow);
    }

    [Fact]
    public void A_burst_of_100_joins_onto_5_empty_bridges_lands_within_30_percent_of_even()
    {
        var selector = NewSelector();
        for (var i = 1; i <= 5; i++)
        {
            selector.Register($"b{i}", "eu", capacity: 500);
        }

        var counts = Burst(selector, 100, X);

        Assert.Equal(5, counts.Count);
        Assert.All(counts.Values, n => Assert.InRange(n, 14, 26));
        Assert.Equal(100, selector.VisitorChoices);
        Assert.All(selector.Snapshot(), b => Assert.Equal(counts[b.BridgeId], b.RecentAdds));
    }

    [Fact]
    public void A_burst_onto_unevenly_stressed_bridges_fills_the_quiet_ones_first_and_stays_within_30_percent()
    {
        var selector = NewSelector();
        for (var i = 0; i < 5; i++)
        {
            selector.Register($"b{i}", "eu", capacity: 100);
            selector.Report($"b{i}", new BridgeStats(Stress: i * 0.01, Endpoints: i));
        }

        var counts = Burst(selector, 100, X);

        Assert.All(counts.Values, n => Assert.InRange(n, 14, 26));
        for (var i = 1; i < 5; i++)
        {
            Assert.True(counts[$"b{i - 1}"] >= counts[$"b{i}"], $"b{i - 1} got {counts[$"b{i - 1}"]}, b{i} got {counts[$"b{i}"]}");
        }
    }

    [Fact]
    public void Without_the_recent_add_correction_the_same_burst_piles_onto_one_bridge()
    {
        var selector = NewSelector(new BridgeSelectorOptions { StressPerRecentAdd = 0 });
        for (var i = 1; i <= 5; i++)
        {
            selector.Register($"b{i}", "eu", capacity: 500);
        }

        Assert.Equal(new Dictionary<string, int> { ["b1"] = 100 }, Burst(selector, 100, X));
    }

    [Fact]
    public void Recent_adds_stop_counting_after_the_window()
    {
        var selector = NewSelector();
        selector.Register("b1", "eu", capacity: 4);
        Burst(selector, 3, X);
        Assert.Equal(0.75, selector.Snapshot()[0].CorrectedStress);

        _time.Advance(TimeSpan.FromSeconds(19));
        selector.Report("b1", new BridgeStats(0.5, 3));
        Assert.Equal(1.25, selector.Snapshot()[0].CorrectedStress);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0.5, selector.Snapshot()[0].CorrectedStress);
        Assert.Equal(0, selector.Snapshot()[0].RecentAdds);
    }

    [Fact]
    public void The_threshold_is_respected_while_a_bridge_under_it_exists_even_against_the_preferred_region()
    {
        var selector = NewSelector();
        selector.Register("eu-1", "eu", capacity: 8);
        selector.Register("us-1", "us", capacity: 8);
        selector.Report("eu-1", new BridgeStats(0.5, 4));
        selector.Report("us-1", new BridgeStats(0.6, 5));

        var choices = Enumerable.Range(0, 6).Select(_ => selector.ChooseVisitorBridge(X, "eu")).ToList();

        // eu-1 takes 0.5, 0.625, 0.75; at 0.875 it is over 0.8, so us-1 (0.6, 0.725) takes over although eu is preferred.
        Assert.Equal(["eu-1", "eu-1", "eu-1", "us-1", "us-1", "us-1"], choices.Select(c => c.BridgeId));
        Assert.Equal([0.5, 0.625, 0.75, 0.6, 0.725, 0.85], choices.Select(c => c.CorrectedStress));
        Assert.All(choices.Take(5), c => Assert.False(c.Overloaded));

        // Then every bridge is over: the least stressed takes it, flagged and counted.
        Assert.True(choices[5].Overloaded);
        Assert.Equal(1, selector.Overloads);
    }

    [Fact]
    public void A_bridge_over_the_threshold_is_never_chosen_while_an_unloaded_one_exists()
    {
        var selector = NewSelector();
        selector.Register("a", "eu", capacity: 1000);
        selector.Register("b", "eu", capacity: 1000);
        selector.Report("a", new BridgeStats(0.95, 900));
        selector.Report("b", new BridgeStats(0.0, 0));

        Assert.Equal(new Dictionary<string, int> { ["b"] = 200 }, Burst(selector, 200, X, "eu"));
        Assert.Equal(0, selector.Overloads);
    }

    [Fact]
    public void Visitor_bridges_prefer_the_core_region_when_no_region_is_given()
    {
        var selector = NewSelector();
        selector.Register("eu-1", "eu", capacity: 100);
        selector.Register("eu-2", "eu", capacity: 100);
        selector.Register("us-1", "us", capacity: 100);
        selector.Report("eu-1", new BridgeStats(0.3, 30));
        selector.Report("eu-2", new BridgeStats(0.3, 30));
        selector.Report("us-1", new BridgeStats(0.0, 0));

        Assert.Equal("us-1", selector.ChooseVisitorBridge(X).BridgeId);
        Assert.Equal("eu-1", selector.ChooseCore(X, "eu").BridgeId);
        Assert.Equal("eu-2", selector.ChooseVisitorBridge(X).BridgeId);
        Assert.Equal("us-1", selector.ChooseVisitorBridge(Y).BridgeId);
        Assert.Equal("us-1", selector.ChooseVisitorBridge(X, "us").BridgeId);
    }

    [Fact]
    public void Visitors_avoid_the_core_while_another_bridge_is_under_the_threshold_and_fall_back_to_it_when_none_is()
    {
        var selector = NewSelector();
        selector.Register("a", "eu", capacity: 100);
        selector.Register("b", "eu", capacity: 100);
        selector.Report("a", new BridgeStats(0.0, 0));
        selector.Report("b", new BridgeStats(0.5, 50));
        Assert.Equal("a", selector.ChooseCore(X).BridgeId);

        // The core is the quieter bridge, yet visitors go to the other one while it has room ...
        Assert.Equal("b", selector.ChooseVisitorBridge(X).BridgeId);
        Assert.Equal("a", selector.ChooseVisitorBridge(Y).BridgeId);

        // ... and to the core once the other is at the stress threshold.
        selector.Report("b", new BridgeStats(0.9, 90));
        Assert.Equal("a", selector.ChooseVisitorBridge(X).BridgeId);
        Assert.Equal(0, selector.Overloads);
    }

    [Fact]
    public void A_silent_bridge_is_out_after_three_report_intervals()
    {
        var selector = NewSelector();
        selector.Register("quiet", "eu", capacity: 100);
        selector.Register("busy", "eu", capacity: 100);
        selector.Report("busy", new BridgeStats(0.5, 50));
        Assert.Equal("quiet", selector.ChooseCore(X).BridgeId);

        for (var t = 1; t <= 3; t++)
        {
            _time.Advance(TimeSpan.FromSeconds(t < 3 ? 5 : 4.9));
            selector.Report("busy", new BridgeStats(0.5, 50));
        }

        // 14.9 s of silence: still in.
        Assert.Equal("quiet", selector.ChooseVisitorBridge(Y).BridgeId);
        Assert.True(selector.Snapshot().Single(b => b.BridgeId == "quiet").Alive);
        Assert.Empty(selector.Sweep());

        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal("busy", selector.ChooseVisitorBridge(Y).BridgeId);
        Assert.False(selector.Snapshot().Single(b => b.BridgeId == "quiet").Alive);
        var core = selector.ChooseCore(X);
        Assert.Equal("busy", core.BridgeId);
        Assert.True(core.NewlyChosen);

        var loss = Assert.Single(selector.Sweep());
        Assert.Equal("quiet", loss.BridgeId);
        Assert.Empty(loss.CoreConferences);
        Assert.Single(selector.Snapshot());
    }

    [Fact]
    public void A_bridge_that_reports_less_often_is_out_after_three_of_its_own_intervals_and_a_faster_one_after_three_configured()
    {
        // Signaling expects a report every 5 s; "slow" says it reports every 20 s, "fast" every second.
        var selector = NewSelector();
        selector.Register("slow", "eu", capacity: 100, reportInterval: TimeSpan.FromSeconds(20));
        selector.Register("fast", "eu", capacity: 100, reportInterval: TimeSpan.FromSeconds(1));
        selector.Register("old", "eu", capacity: 100);

        // 15 s of silence: three configured intervals take out the fast bridge and the one that did not say, not the slow one.
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(["fast", "old"], selector.Sweep().Select(l => l.BridgeId).Order(StringComparer.Ordinal));
        _time.Advance(TimeSpan.FromSeconds(44.9));
        Assert.Empty(selector.Sweep());
        Assert.Equal("slow", selector.ChooseCore(X).BridgeId);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal("slow", Assert.Single(selector.Sweep()).BridgeId);
    }

    [Fact]
    public void Sweep_returns_the_conferences_whose_core_went_silent()
    {
        var selector = NewSelector();
        selector.Register("b1", "eu", capacity: 100);
        selector.ChooseCore(X);
        selector.ChooseCore(Y);
        _time.Advance(TimeSpan.FromSeconds(15));

        var loss = Assert.Single(selector.Sweep());
        Assert.Equal("b1", loss.BridgeId);
        Assert.Equal([X, Y], loss.CoreConferences);
        Assert.Null(selector.CoreOf(X));
    }

    [Fact]
    public void The_core_stays_put_once_chosen()
    {
        var selector = NewSelector();
        selector.Register("b1", "eu", capacity: 100);
        selector.Register("b2", "eu", capacity: 100);
        selector.Report("b1", new BridgeStats(0.1, 10));
        selector.Report("b2", new BridgeStats(0.2, 20));

        var first = selector.ChooseCore(X);
        Assert.Equal(("b1", true), (first.BridgeId, first.NewlyChosen));

        selector.Report("b1", new BridgeStats(0.7, 70));
        for (var i = 0; i < 5; i++)
        {
            var again = selector.ChooseCore(X);
            Assert.Equal(("b1", false), (again.BridgeId, again.NewlyChosen));
        }

        Assert.Equal("b2", selector.ChooseCore(Y).BridgeId);
        Assert.Equal("b1", selector.CoreOf(X));
        Assert.Equal(2, selector.CoreChoices);

        // Only the first choice counted as an add on b1 (0.7 + 1/100).
        Assert.Equal(1, selector.Snapshot()[0].RecentAdds);
        Assert.True(selector.ReleaseConference(X));
        Assert.False(selector.ReleaseConference(X));
        Assert.Null(selector.CoreOf(X));
    }

    [Fact]
    public void A_burst_of_new_conferences_spreads_its_cores()
    {
        var selector = NewSelector();
        selector.Register("b1", "eu", capacity: 100);
        selector.Register("b2", "eu", capacity: 100);
        var cores = Enumerable.Range(0, 10).Select(i => selector.ChooseCore(RoomName.Parse($"acme/r{i}")).BridgeId).ToList();
        Assert.Equal(5, cores.Count(id => id == "b1"));
        Assert.Equal(5, cores.Count(id => id == "b2"));
    }

    [Fact]
    public void A_failed_bridge_is_never_chosen_until_the_hold_ends()
    {
        var selector = NewSelector();
        selector.Register("b1", "eu", capacity: 100);
        selector.Register("b2", "eu", capacity: 100);
        selector.Report("b2", new BridgeStats(0.5, 50));
        Assert.Equal("b1", selector.ChooseCore(X).BridgeId);

        selector.MarkFailed("b1");
        Assert.Equal(new Dictionary<string, int> { ["b2"] = 50 }, Burst(selector, 50, Y));
        var moved = selector.ChooseCore(X);
        Assert.Equal(("b2", true), (moved.BridgeId, moved.NewlyChosen));
        Assert.True(selector.Snapshot()[0].Failed);

        for (var t = 0; t < 12; t++)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            selector.Report("b1", new BridgeStats(0, 0));
            selector.Report("b2", new BridgeStats(0.5, 50));
        }

        Assert.False(selector.Snapshot()[0].Failed);
        Assert.Equal("b1", selector.ChooseVisitorBridge(Y).BridgeId);
        Assert.Equal("b2", selector.ChooseCore(X).BridgeId);
    }

    [Fact]
    public void Remove_returns_the_conferences_whose_core_it_was_and_the_bridge_is_never_chosen_again()
    {
        var selector = NewSelector();
        selector.Register("b1", "eu", capacity: 100);
        selector.Register("b2", "eu", capacity: 100);
        selector.Report("b2", new BridgeStats(0.5, 50));
        selector.ChooseCore(Y);
        selector.ChooseCore(X);
        selector.Report("b1", new BridgeStats(0.6, 60));
        selector.ChooseCore(Z);

        Assert.Equal([X, Y], selector.Remove("b1"));
        Assert.Empty(selector.Remove("b1"));
        Assert.Null(selector.CoreOf(X));
        Assert.Equal("b2", selector.CoreOf(Z));
        Assert.Equal(new Dictionary<string, int> { ["b2"] = 20 }, Burst(selector, 20, X));
        Assert.Equal("b2", selector.ChooseCore(X).BridgeId);
        Assert.Equal(AssignmentError.UnknownBridge, Assert.Throws<AssignmentException>(() => selector.Report("b1", new BridgeStats(0, 0))).Error);
    }

    [Fact]
    public void No_usable_bridge_is_a_typed_error()
    {
        var selector = NewSelector();
        Assert.Equal(AssignmentError.NoBridge, Assert.Throws<AssignmentException>(() => selector.ChooseCore(X)).Error);
        selector.Register("b1", "eu", capacity: 10);
        selector.MarkFailed("b1");
        Assert.Equal(AssignmentError.NoBridge, Assert.Throws<AssignmentException>(() => selector.ChooseVisitorBridge(X)).Error);
        Assert.Null(selector.CoreOf(X));
        Assert.Equal(0, selector.VisitorChoices);
    }

    [Fact]
    public void Unknown_and_malformed_bridge_input_is_refused()
    {
        var selector = NewSelector();
        Assert.Equal(AssignmentError.UnknownBridge, Assert.Throws<AssignmentException>(() => selector.Report("ghost", new BridgeStats(0.1, 1))).Error);
        Assert.Equal(AssignmentError.UnknownBridge, Assert.Throws<AssignmentException>(() => selector.MarkFailed("ghost")).Error);
        Assert.Throws<ArgumentException>(() => selector.Register("", "eu", 10));
        Assert.Throws<ArgumentException>(() => selector.Register("b/1", "eu", 10));
        Assert.Throws<ArgumentException>(() => selector.Register("b1", "", 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => selector.Register("b1", "eu", 0));
        selector.Register("b1", "eu", 10);
        Assert.Throws<ArgumentOutOfRangeException>(() => selector.Report("b1", new BridgeStats(double.NaN, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => selector.Report("b1", new BridgeStats(double.PositiveInfinity, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => selector.Report("b1", new BridgeStats(-0.1, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => selector.Report("b1", new BridgeStats(0.1, -1)));
        Assert.Throws<ArgumentNullException>(() => selector.ChooseCore(null!));
        Assert.Equal(0.0, Assert.Single(selector.Snapshot()).Stress);
    }

    [Fact]
    public void Bad_options_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NewSelector(new BridgeSelectorOptions { ReportInterval = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => NewSelector(new BridgeSelectorOptions { MissedReportsBeforeOut = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => NewSelector(new BridgeSelectorOptions { StressThreshold = double.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>(() => NewSelector(new BridgeSelectorOptions { StressPerRecentAdd = -0.01 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => NewSelector(new BridgeSelectorOptions { FailureHold = TimeSpan.FromSeconds(-1) }));
    }
}
