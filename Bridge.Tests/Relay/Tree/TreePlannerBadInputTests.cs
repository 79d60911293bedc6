using BridgeRelay.Tree;

namespace Bridge.Tests.Relay.Tree;

public class TreePlannerBadInputTests
{
    private static readonly RelayTree Sample = TreePlanner.Plan(["x", "y"], TreeAssert.Names("b", 5), 2);

    [Theory]
    [InlineData(0)]
    [InlineData(17)]
    public void Core_count_outside_one_to_sixteen_is_rejected(int count)
    {
        var e = Assert.Throws<ArgumentException>(() => TreePlanner.Create(TreeAssert.Names("c", count), 8));
        Assert.Contains("1 to 16 cores", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sixteen_cores_are_accepted()
    {
        Assert.Equal(16, TreePlanner.Create(TreeAssert.Names("c", 16), 8).Cores.Count);
    }

    [Theory]
    [InlineData(int.MinValue)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65)]
    public void Fan_out_outside_two_to_sixty_four_is_rejected(int fanOut)
    {
        var e = Assert.Throws<ArgumentException>(() => TreePlanner.Create(["c"], fanOut));
        Assert.Contains("Fan-out must be 2 to 64", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => TreePlanner.Plan(["c"], ["b"], fanOut));
    }

    [Fact]
    public void Bad_core_lists_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => TreePlanner.Create(null!, 8));
        Assert.Throws<ArgumentException>(() => TreePlanner.Create(["c", ""], 8));
        Assert.Throws<ArgumentException>(() => TreePlanner.Create([null!], 8));
        var e = Assert.Throws<ArgumentException>(() => TreePlanner.Create(["c", "d", "c"], 8));
        Assert.Contains("'c'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Adding_a_present_bridge_or_core_names_it()
    {
        var e = Assert.Throws<ArgumentException>(() => TreePlanner.Add(Sample, "b3", out _));
        Assert.Contains("'b3'", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => TreePlanner.Add(Sample, "y", out _));
        Assert.Contains("'y'", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => TreePlanner.Add(Sample, " ", out _));
        Assert.Throws<ArgumentNullException>(() => TreePlanner.Add(null!, "b9", out _));
    }

    [Fact]
    public void Plan_rejects_duplicates_and_cores_among_bridges()
    {
        var e = Assert.Throws<ArgumentException>(() => TreePlanner.Plan(["x"], ["b1", "b2", "b1"], 8));
        Assert.Contains("'b1'", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => TreePlanner.Plan(["x"], ["b1", "x"], 8));
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => TreePlanner.Plan(["x"], null!, 8));
    }

    [Fact]
    public void Removing_an_unknown_bridge_names_it()
    {
        var e = Assert.Throws<ArgumentException>(() => TreePlanner.Remove(Sample, "nope", out _));
        Assert.Contains("'nope'", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => TreePlanner.Remove(Sample, null!, out _));
    }

    [Fact]
    public void Removing_the_last_core_is_refused()
    {
        RelayTree one = TreePlanner.Remove(Sample, "x", out _);
        var e = Assert.Throws<InvalidOperationException>(() => TreePlanner.Remove(one, "y", out _));
        Assert.Contains("'y'", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => TreePlanner.Remove(TreePlanner.Create(["c"], 2), "c", out _));
    }

    [Fact]
    public void Lookups_of_unknown_bridges_throw_key_not_found()
    {
        Assert.Throws<KeyNotFoundException>(() => Sample.ParentOf("nope"));
        Assert.Throws<KeyNotFoundException>(() => Sample.ChildrenOf("nope"));
        Assert.Throws<KeyNotFoundException>(() => Sample.DepthOf("nope"));
    }

    [Fact]
    public void Minimal_depth_rejects_impossible_counts()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RelayTree.MinimalDepth(0, 5, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => RelayTree.MinimalDepth(1, -1, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => RelayTree.MinimalDepth(1, 5, 1));
    }
}
