using BridgeRelay.Tree;

namespace Bridge.Tests.Relay.Tree;

/// <summary>Checks the planner's invariants on a tree, independently of how the planner builds it.</summary>
internal static class TreeAssert
{
    public static string[] Names(string prefix, int count) =>
        Enumerable.Range(1, count).Select(i => prefix + i).ToArray();

    /// <summary>No cycle, all reachable from a core, fan-out respected, complete shape, minimal depth.</summary>
    public static void WellFormed(RelayTree tree, IReadOnlyCollection<string> expectedBridges)
    {
        Assert.Equal(expectedBridges.OrderBy(b => b, StringComparer.Ordinal), tree.Bridges.OrderBy(b => b, StringComparer.Ordinal));
        int nonCore = tree.Bridges.Count - tree.Cores.Count;
        Assert.Equal(nonCore, tree.NonCoreCount);
        var cores = new HashSet<string>(tree.Cores, StringComparer.Ordinal);

        // Walking parents from any bridge reaches a core within nonCore steps, one depth level per step.
        foreach (string bridge in tree.Bridges)
        {
            Assert.True(tree.Contains(bridge));
            string current = bridge;
            int steps = 0;
            while (tree.ParentOf(current) is { } parent)
            {
                Assert.Equal(tree.DepthOf(current) - 1, tree.DepthOf(parent));
                Assert.Contains(current, tree.ChildrenOf(parent));
                current = parent;
                Assert.True(++steps <= nonCore, $"cycle above {bridge}");
            }

            Assert.Contains(current, cores);
            Assert.Equal(steps, tree.DepthOf(bridge));
        }

        // Every bridge is reached exactly once from the cores via ChildrenOf, in the order Bridges lists them.
        var order = new List<string>(tree.Cores);
        for (int i = 0; i < order.Count; i++)
        {
            IReadOnlyList<string> children = tree.ChildrenOf(order[i]);
            Assert.True(children.Count <= tree.FanOut, $"{order[i]} has {children.Count} children");
            foreach (string child in children)
            {
                Assert.Equal(order[i], tree.ParentOf(child));
            }

            order.AddRange(children);
        }

        Assert.Equal(order, tree.Bridges);

        // Complete: every bridge before the first non-full one (breadth-first) is full, none after it has children.
        int firstNotFull = order.FindIndex(b => tree.ChildrenOf(b).Count < tree.FanOut);
        for (int i = firstNotFull + 1; i < order.Count; i++)
        {
            Assert.Empty(tree.ChildrenOf(order[i]));
        }

        Assert.Equal(order.Max(tree.DepthOf), tree.MaxDepth);
        Assert.Equal(RelayTree.MinimalDepth(tree.Cores.Count, nonCore, tree.FanOut), tree.MaxDepth);
    }

    /// <summary>Same cores, and every bridge has the same parent and the same children in the same order.</summary>
    public static void Same(RelayTree expected, RelayTree actual)
    {
        Assert.Equal(expected.Cores, actual.Cores);
        Assert.Equal(expected.FanOut, actual.FanOut);
        Assert.Equal(expected.Bridges, actual.Bridges);
        foreach (string bridge in expected.Bridges)
        {
            Assert.Equal(expected.ParentOf(bridge), actual.ParentOf(bridge));
            Assert.Equal(expected.ChildrenOf(bridge), actual.ChildrenOf(bridge));
        }
    }

    public static void SameChanges(IEnumerable<TreeChange> expected, IEnumerable<TreeChange> actual) =>
        Assert.Equal(expected.OrderBy(c => c.Bridge, StringComparer.Ordinal), actual.OrderBy(c => c.Bridge, StringComparer.Ordinal));
}
