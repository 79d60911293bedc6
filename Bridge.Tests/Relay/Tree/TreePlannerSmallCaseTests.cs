using BridgeRelay.Tree;

namespace Bridge.Tests.Relay.Tree;

public class TreePlannerSmallCaseTests
{
    private static readonly string[] Seven = TreeAssert.Names("b", 7);

    [Fact]
    public void Cores_only_tree_has_depth_zero_and_no_children()
    {
        RelayTree tree = TreePlanner.Create(["core"], TreePlanner.DefaultFanOut);
        Assert.Equal(["core"], tree.Bridges);
        Assert.Null(tree.ParentOf("core"));
        Assert.Empty(tree.ChildrenOf("core"));
        Assert.Equal(0, tree.DepthOf("core"));
        Assert.Equal(0, tree.MaxDepth);
        Assert.Equal(8, tree.FanOut);
        Assert.False(tree.Contains("b1"));
    }

    [Fact]
    public void Seven_bridges_with_fan_out_two_form_the_expected_heap()
    {
        RelayTree tree = TreePlanner.Plan(["c"], Seven, 2);
        var expected = new Dictionary<string, string>
        {
            ["b1"] = "c", ["b2"] = "c", ["b3"] = "b1", ["b4"] = "b1", ["b5"] = "b2", ["b6"] = "b2", ["b7"] = "b3",
        };
        foreach ((string bridge, string parent) in expected)
        {
            Assert.Equal(parent, tree.ParentOf(bridge));
        }

        Assert.Equal(["c", "b1", "b2", "b3", "b4", "b5", "b6", "b7"], tree.Bridges);
        Assert.Equal(["b3", "b4"], tree.ChildrenOf("b1"));
        Assert.Equal(3, tree.DepthOf("b7"));
        Assert.Equal(3, tree.MaxDepth);
    }

    [Fact]
    public void Add_reports_the_link_to_create()
    {
        RelayTree tree = TreePlanner.Plan(["c"], Seven, 2);
        RelayTree after = TreePlanner.Add(tree, "b8", out TreeChange change);
        Assert.Equal(new TreeChange("b8", null, "b3"), change);
        Assert.Equal(["b7", "b8"], after.ChildrenOf("b3"));
        Assert.False(tree.Contains("b8")); // the input plan is untouched
    }

    [Fact]
    public void Removing_an_inner_bridge_moves_the_last_leaf_into_its_place()
    {
        RelayTree tree = TreePlanner.Plan(["c"], Seven, 2);
        RelayTree after = TreePlanner.Remove(tree, "b2", out IReadOnlyList<TreeChange> changes);
        Assert.Equal(
            [new("b2", "c", null), new("b5", "b2", "b7"), new("b6", "b2", "b7"), new("b7", "b3", "c")],
            changes);
        Assert.Equal(["b1", "b7"], after.ChildrenOf("c"));
        Assert.Equal(["b5", "b6"], after.ChildrenOf("b7"));
        Assert.Empty(after.ChildrenOf("b3"));
        Assert.Equal(2, after.MaxDepth);
    }

    [Fact]
    public void Removing_the_last_leaf_changes_nothing_else()
    {
        RelayTree tree = TreePlanner.Plan(["c"], Seven, 2);
        RelayTree after = TreePlanner.Remove(tree, "b7", out IReadOnlyList<TreeChange> changes);
        Assert.Equal([new TreeChange("b7", "b3", null)], changes);
        Assert.Equal(["c", "b1", "b2", "b3", "b4", "b5", "b6"], after.Bridges);
    }

    [Fact]
    public void Removing_the_parent_of_the_last_leaf_lifts_that_leaf()
    {
        RelayTree tree = TreePlanner.Plan(["c"], TreeAssert.Names("b", 4), 2); // c:{b1,b2}, b1:{b3,b4}
        RelayTree after = TreePlanner.Remove(tree, "b1", out IReadOnlyList<TreeChange> changes);
        Assert.Equal([new("b1", "c", null), new("b3", "b1", "b4"), new("b4", "b1", "c")], changes);
        Assert.Equal(["b4", "b2"], after.ChildrenOf("c"));
        Assert.Equal(["b3"], after.ChildrenOf("b4"));
    }

    [Fact]
    public void Removing_a_sibling_of_the_last_leaf_only_reorders_it()
    {
        RelayTree tree = TreePlanner.Plan(["c"], TreeAssert.Names("b", 3), 3);
        RelayTree after = TreePlanner.Remove(tree, "b1", out IReadOnlyList<TreeChange> changes);
        Assert.Equal([new TreeChange("b1", "c", null)], changes);
        Assert.Equal(["b3", "b2"], after.ChildrenOf("c"));
    }

    [Fact]
    public void Three_core_mesh_spreads_bridges_core_by_core()
    {
        RelayTree tree = TreePlanner.Plan(["x", "y", "z"], TreeAssert.Names("b", 7), 2);
        Assert.Equal(["b1", "b2"], tree.ChildrenOf("x"));
        Assert.Equal(["b3", "b4"], tree.ChildrenOf("y"));
        Assert.Equal(["b5", "b6"], tree.ChildrenOf("z"));
        Assert.Equal("b1", tree.ParentOf("b7"));
        Assert.All(tree.Cores, core => Assert.Null(tree.ParentOf(core)));
        Assert.All(tree.Cores, core => Assert.Equal(0, tree.DepthOf(core)));
    }

    [Fact]
    public void Removing_a_core_hands_its_children_to_the_free_core_slots()
    {
        RelayTree tree = TreePlanner.Plan(["x", "y", "z"], TreeAssert.Names("b", 5), 3); // x:{b1,b2,b3} y:{b4,b5}
        RelayTree after = TreePlanner.Remove(tree, "x", out IReadOnlyList<TreeChange> changes);
        Assert.Equal([new("b1", "x", "y"), new("b2", "x", "z"), new("b3", "x", "z")], changes);
        Assert.Equal(["y", "z"], after.Cores);
        Assert.Equal(["b4", "b5", "b1"], after.ChildrenOf("y"));
        Assert.Equal(["b2", "b3"], after.ChildrenOf("z"));
        Assert.Equal(1, after.MaxDepth);
    }

    [Fact]
    public void Removing_a_core_of_a_deep_tree_reattaches_only_its_subtree()
    {
        RelayTree tree = TreePlanner.Plan(["x", "y"], TreeAssert.Names("b", 6), 2); // x:{b1,b2} y:{b3,b4} b1:{b5,b6}

        RelayTree withoutY = TreePlanner.Remove(tree, "y", out IReadOnlyList<TreeChange> changes);
        Assert.Equal([new("b3", "y", "b2"), new("b4", "y", "b2")], changes);
        Assert.Equal(2, withoutY.MaxDepth);

        RelayTree withoutX = TreePlanner.Remove(tree, "x", out changes);
        Assert.Equal([new("b1", "x", "b3"), new("b2", "x", "b3"), new("b5", "b1", "b4"), new("b6", "b1", "b4")], changes);
        Assert.Equal(["b1", "b2"], withoutX.ChildrenOf("b3"));
        Assert.Equal(["b5", "b6"], withoutX.ChildrenOf("b4"));
    }

    [Fact]
    public void Diff_lists_parent_changes_departures_and_arrivals()
    {
        RelayTree before = TreePlanner.Plan(["x"], ["b1", "b2", "b3"], 2); // x:{b1,b2} b1:{b3}
        RelayTree after = TreePlanner.Plan(["x"], ["b3", "b2", "b4"], 2);  // x:{b3,b2} b3:{b4}
        Assert.Empty(TreePlanner.Diff(before, before));
        Assert.Equal(
            [new("b1", "x", null), new("b3", "b1", "x"), new("b4", null, "b3")],
            TreePlanner.Diff(before, after));
    }

    [Fact]
    public void Minimal_depth_counts_whole_levels()
    {
        Assert.Equal(0, RelayTree.MinimalDepth(1, 0, 8));
        Assert.Equal(1, RelayTree.MinimalDepth(1, 8, 8));
        Assert.Equal(2, RelayTree.MinimalDepth(1, 9, 8));
        Assert.Equal(2, RelayTree.MinimalDepth(1, 72, 8));
        Assert.Equal(3, RelayTree.MinimalDepth(1, 73, 8));
        Assert.Equal(1, RelayTree.MinimalDepth(3, 24, 8));
        Assert.Equal(2, RelayTree.MinimalDepth(3, 25, 8));
        // 16 * (2 + ... + 2^27) = 2^32 - 32 is the first sum reaching int.MaxValue; no overflow on the way.
        Assert.Equal(27, RelayTree.MinimalDepth(16, int.MaxValue, 2));
        Assert.Equal(1, RelayTree.MinimalDepth(1, int.MaxValue, int.MaxValue));
    }
}
