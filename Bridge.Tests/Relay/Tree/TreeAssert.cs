using BridgeRelay.Tree;

namespace Bridge.Tests.Relay.Tree;

/// <summary>Checks the planner's invariants on a tree, independently of how the planner builds it.</summary>
internal static class TreeAssert
{
    // These run about a hundred thousand times in the property loops, so the hot checks are plain comparisons that
    // build a message only on failure; xunit's collection asserts would dominate the run time.

    public static string[] Names(string prefix, int count) =>
        Enumerable.Range(1, count).Select(i => prefix + i).ToArray();

    /// <summary>No cycle, all reachable from a core, fan-out respected, complete shape, minimal depth.</summary>
    public static void WellFormed(RelayTree tree, IReadOnlyCollection<string> expectedBridges)
    {
        var expected = new HashSet<string>(expectedBridges, StringComparer.Ordinal);
        Assert.True(expected.SetEquals(tree.Bridges) && tree.Bridges.Count == expected.Count, "bridge set differs");
        int nonCore = tree.Bridges.Count - tree.Cores.Count;
        Assert.Equal(nonCore, tree.NonCoreCount);
        var cores = new HashSet<string>(tree.Cores, StringComparer.Ordinal);

        // Walking parents from any bridge reaches a core within nonCore steps, one depth level per step.
        foreach (string bridge in tree.Bridges)
        {
            string current = bridge;
            int steps = 0;
            while (tree.ParentOf(current) is { } parent)
            {
                if (tree.DepthOf(parent) != tree.DepthOf(current) - 1 || !tree.ChildrenOf(parent).Contains(current))
                {
                    Assert.Fail($"{current} is not a child one level below {parent}");
                }

                current = parent;
                if (++steps > nonCore)
                {
                    Assert.Fail($"cycle above {bridge}");
                }
            }

            if (!cores.Contains(current) || steps != tree.DepthOf(bridge))
            {
                Assert.Fail($"{bridge} hangs {steps} levels below {current}, which is not a core at depth {tree.DepthOf(bridge)}");
            }
        }

        // Every bridge is reached exactly once from the cores via ChildrenOf, in the order Bridges lists them.
        var order = new List<string>(tree.Cores);
        for (int i = 0; i < order.Count; i++)
        {
            IReadOnlyList<string> children = tree.ChildrenOf(order[i]);
            if (children.Count > tree.FanOut)
            {
                Assert.Fail($"{order[i]} has {children.Count} children");
            }

            foreach (string child in children)
            {
                if (tree.ParentOf(child) != order[i])
                {
                    Assert.Fail($"{child} is listed under {order[i]} but has parent {tree.ParentOf(child)}");
                }
            }

            order.AddRange(children);
        }

        Assert.True(order.SequenceEqual(tree.Bridges), "breadth-first walk differs from Bridges");

        // Complete: every bridge before the first non-full one (breadth-first) is full, none after it has children.
        int firstNotFull = order.FindIndex(b => tree.ChildrenOf(b).Count < tree.FanOut);
        for (int i = firstNotFull + 1; i < order.Count; i++)
        {
            if (tree.ChildrenOf(order[i]).Count != 0)
            {
                Assert.Fail($"{order[i]} has children after a non-full bridge");
            }
        }

        Assert.Equal(order.Max(tree.DepthOf), tree.MaxDepth);
        Assert.Equal(RelayTree.MinimalDepth(tree.Cores.Count, nonCore, tree.FanOut), tree.MaxDepth);
    }

    /// <summary>Same cores, and every bridge has the same parent and the same children in the same order.</summary>
    public static void Same(RelayTree expected, RelayTree actual)
    {
        Assert.Equal(expected.Cores, actual.Cores);
        Assert.Equal(expected.FanOut, actual.FanOut);
        Assert.True(expected.Bridges.SequenceEqual(actual.Bridges), "bridges differ");
        foreach (string bridge in expected.Bridges)
        {
            if (expected.ParentOf(bridge) != actual.ParentOf(bridge) || !expected.ChildrenOf(bridge).SequenceEqual(actual.ChildrenOf(bridge)))
            {
                Assert.Fail($"{bridge} has another parent or other children");
            }
        }
    }

    /// <summary>The same changes, in any order.</summary>
    public static void SameChanges(IEnumerable<TreeChange> expected, IEnumerable<TreeChange> actual)
    {
        List<TreeChange> want = [.. expected.OrderBy(c => c.Bridge, StringComparer.Ordinal)];
        List<TreeChange> got = [.. actual.OrderBy(c => c.Bridge, StringComparer.Ordinal)];
        if (!want.SequenceEqual(got))
        {
            Assert.Fail($"expected [{string.Join(", ", want)}] but got [{string.Join(", ", got)}]");
        }
    }
}
