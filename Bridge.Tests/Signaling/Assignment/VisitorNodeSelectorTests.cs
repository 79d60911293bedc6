using Microsoft.Extensions.Time.Testing;
using Signaling.Assignment;

namespace Bridge.Tests.Signaling.Assignment;

public class VisitorNodeSelectorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    private VisitorNodeSelector NewSelector(int max = 2000) => new(_time, new VisitorNodeOptions { MaxVisitorsPerNode = max });

    [Fact]
    public void Defaults_match_the_design()
    {
        var options = new VisitorNodeOptions();
        Assert.Equal(2000, options.MaxVisitorsPerNode);
        Assert.Equal(TimeSpan.FromSeconds(10), options.InFlightWindow);
    }

    [Fact]
    public void Least_loaded_node_is_chosen()
    {
        var selector = NewSelector();
        selector.Report("v1", 500);
        selector.Report("v2", 120);
        selector.Report("v3", 900);

        var choice = selector.Choose();

        Assert.Equal(new VisitorNodeChoice("v2", 120, Overflow: false), choice);
        Assert.Equal(1, selector.Redirects);
        Assert.Equal(0, selector.Overflows);
    }

    [Fact]
    public void Ties_go_to_the_lowest_node_id_in_ordinal_order()
    {
        var selector = NewSelector();
        selector.Report("vb", 10);
        selector.Report("vB", 10);
        selector.Report("va", 10);
        Assert.Equal("vB", selector.Choose().NodeId);
    }

    [Fact]
    public void A_burst_of_30_joins_spreads_evenly_over_3_idle_nodes()
    {
        var selector = NewSelector();
        selector.Report("v1", 0);
        selector.Report("v2", 0);
        selector.Report("v3", 0);

        var counts = Enumerable.Range(0, 30).Select(_ => selector.Choose().NodeId).GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(new Dictionary<string, int> { ["v1"] = 10, ["v2"] = 10, ["v3"] = 10 }, counts);
        Assert.All(selector.Snapshot(), n => Assert.Equal(10, n.InFlight));
    }

    [Fact]
    public void In_flight_redirects_expire_after_the_window()
    {
        var selector = NewSelector();
        selector.Report("v1", 0);
        selector.Report("v2", 1);
        Assert.Equal("v1", selector.Choose().NodeId);
        Assert.Equal("v1", selector.Choose().NodeId);

        // v1 now counts 2 in flight against v2's 1 visitor.
        _time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.Equal(new VisitorNodeChoice("v2", 1, false), selector.Choose());

        // 10 s after the first two handouts they no longer count, and v1 (never confirmed) is idle again.
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(new VisitorNodeChoice("v1", 0, false), selector.Choose());
        Assert.Equal(1, selector.Snapshot().Single(n => n.NodeId == "v1").InFlight);
    }

    [Fact]
    public void Confirm_moves_in_flight_redirects_into_the_count()
    {
        var selector = NewSelector();
        selector.Report("v1", 0);
        selector.Report("v2", 2);
        selector.Choose();
        selector.Choose();
        Assert.Equal(new VisitorNodeLoad("v1", 0, 2, false), selector.Snapshot()[0]);

        selector.Confirm("v1", 2);
        Assert.Equal(new VisitorNodeLoad("v1", 2, 0, false), selector.Snapshot()[0]);

        // Confirmed visitors stay counted after the window, unlike unconfirmed redirects.
        _time.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(new VisitorNodeLoad("v1", 2, 0, false), selector.Snapshot()[0]);
        Assert.Equal(new VisitorNodeLoad("v2", 2, 0, false), selector.Snapshot()[1]);
    }

    [Fact]
    public void Over_the_cap_nodes_are_skipped_while_one_is_under()
    {
        var selector = NewSelector(max: 100);
        selector.Report("v1", 100);
        selector.Report("v2", 99);
        selector.Report("v3", 250);

        Assert.Equal(new VisitorNodeChoice("v2", 99, false), selector.Choose());

        // v2 is now at the cap with one in flight: every node is full, so the least loaded overflows.
        var overflow = selector.Choose();
        Assert.True(overflow.Overflow);
        Assert.Equal(100, overflow.Load);
        Assert.Equal("v1", overflow.NodeId);
        Assert.Equal("v2", selector.Choose().NodeId);
        Assert.Equal(2, selector.Overflows);
        Assert.Equal(3, selector.Redirects);
    }

    [Fact]
    public void A_stale_node_is_skipped_until_it_reports_again()
    {
        var selector = NewSelector();
        selector.Report("v1", 0);
        _time.Advance(TimeSpan.FromSeconds(20));
        selector.Report("v2", 1500);
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal("v2", selector.Choose().NodeId);
        Assert.True(selector.Snapshot().Single(n => n.NodeId == "v1").Stale);

        selector.Report("v1", 0);
        Assert.Equal("v1", selector.Choose().NodeId);
    }

    [Fact]
    public void No_fresh_node_is_a_typed_error()
    {
        var selector = NewSelector();
        var ex = Assert.Throws<AssignmentException>(() => selector.Choose());
        Assert.Equal(AssignmentError.NoVisitorNode, ex.Error);
        Assert.False(selector.TryChoose(out var none));
        Assert.Null(none);

        selector.Report("v1", 0);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(AssignmentError.NoVisitorNode, Assert.Throws<AssignmentException>(() => selector.Choose()).Error);

        selector.Report("v1", 0);
        Assert.True(selector.Remove("v1"));
        Assert.False(selector.Remove("v1"));
        Assert.False(selector.TryChoose(out _));
        Assert.Equal(0, selector.Redirects);
    }

    [Fact]
    public void Unknown_and_malformed_node_ids_are_refused()
    {
        var selector = NewSelector();
        Assert.Equal(AssignmentError.UnknownNode, Assert.Throws<AssignmentException>(() => selector.Confirm("ghost", 1)).Error);
        Assert.Throws<ArgumentException>(() => selector.Report("", 1));
        Assert.Throws<ArgumentException>(() => selector.Report("has space", 1));
        Assert.Throws<ArgumentException>(() => selector.Report(new string('n', 65), 1));
        Assert.Throws<ArgumentNullException>(() => selector.Report(null!, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => selector.Report("v1", -1));
        selector.Report("v1", 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => selector.Confirm("v1", -1));
        Assert.Single(selector.Snapshot());
    }

    [Fact]
    public void Bad_options_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new VisitorNodeSelector(_time, new VisitorNodeOptions { MaxVisitorsPerNode = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VisitorNodeSelector(_time, new VisitorNodeOptions { InFlightWindow = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VisitorNodeSelector(_time, new VisitorNodeOptions { StaleAfter = TimeSpan.FromSeconds(-1) }));
    }
}
