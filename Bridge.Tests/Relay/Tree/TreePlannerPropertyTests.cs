using BridgeRelay.Tree;

namespace Bridge.Tests.Relay.Tree;

/// <summary>Exhaustive loops over tree sizes and fan-outs; the invariants are checked by <see cref="TreeAssert"/>.</summary>
public class TreePlannerPropertyTests
{
    private const int MaxBridges = 200;
    private static readonly string[] OneCore = ["core"];
    private static readonly string[] ThreeCores = ["x", "y", "z"];
    private static readonly string[] AllBridges = TreeAssert.Names("b", MaxBridges);

    /// <summary>
    /// For the fan-outs that matter most every size up to 100 and every third above; a stride of 13 for the others.
    /// About 45,000 removals, each followed by a full invariant check: a few seconds.
    /// </summary>
    private static IEnumerable<(int N, int K)> RemovalSample()
    {
        for (int k = 2; k <= 16; k++)
        {
            bool dense = k is 2 or 3 or 8 or 16;
            for (int n = 1; n <= MaxBridges; n += !dense ? 13 : n < 100 ? 1 : 3)
            {
                yield return (n, k);
            }
        }
    }

    [Fact]
    public void Plans_of_every_size_are_well_formed_heaps_and_deterministic()
    {
        for (int k = 2; k <= 16; k++)
        {
            for (int n = 0; n <= MaxBridges; n++)
            {
                foreach (string[] cores in k % 3 == 2 ? [OneCore, ThreeCores] : new[] { OneCore })
                {
                    string[] bridges = AllBridges[..n];
                    RelayTree tree = TreePlanner.Plan(cores, bridges, k);
                    TreeAssert.WellFormed(tree, [.. cores, .. bridges]);
                    TreeAssert.Same(tree, TreePlanner.Plan(cores, bridges, k));

                    // Heap oracle: breadth-first order is attachment order, and the i-th bridge hangs under the
                    // bridge at breadth-first index i / k (cores first).
                    var order = tree.Bridges.ToList();
                    Assert.Equal([.. cores, .. bridges], order);
                    for (int i = 0; i < n; i++)
                    {
                        Assert.Equal(order[i / k], tree.ParentOf(bridges[i]));
                    }
                }
            }
        }
    }

    [Fact]
    public void Removing_any_non_core_bridge_moves_only_its_children_and_the_last_leaf()
    {
        foreach ((int n, int k) in RemovalSample())
        {
            string[] bridges = AllBridges[..n];
            RelayTree tree = TreePlanner.Plan(OneCore, bridges, k);
            foreach (string removed in bridges)
            {
                RelayTree after = TreePlanner.Remove(tree, removed, out IReadOnlyList<TreeChange> changes);
                TreeAssert.WellFormed(after, [.. OneCore, .. bridges.Where(b => b != removed)]);
                TreeAssert.SameChanges(TreePlanner.Diff(tree, after), changes);
                TreeAssert.SameChanges(ExpectedFillerChanges(tree, removed), changes);
            }
        }
    }

    [Fact]
    public void Removing_any_bridge_of_a_three_core_mesh_keeps_the_tree_well_formed()
    {
        foreach ((int n, int k) in RemovalSample().Where(s => s.N % 3 == 1))
        {
            string[] bridges = AllBridges[..n];
            RelayTree tree = TreePlanner.Plan(ThreeCores, bridges, k);
            foreach (string removed in tree.Bridges)
            {
                RelayTree after = TreePlanner.Remove(tree, removed, out IReadOnlyList<TreeChange> changes);
                TreeAssert.WellFormed(after, [.. tree.Bridges.Where(b => b != removed)]);
                TreeAssert.SameChanges(TreePlanner.Diff(tree, after), changes);
                if (tree.ParentOf(removed) is not null)
                {
                    TreeAssert.SameChanges(ExpectedFillerChanges(tree, removed), changes);
                    continue;
                }

                // A core: only bridges below it move, and its children all must.
                Assert.Equal(ThreeCores.Where(c => c != removed), after.Cores);
                var below = Subtree(tree, removed).ToHashSet(StringComparer.Ordinal);
                Assert.All(changes, c => Assert.Contains(c.Bridge, below));
                Assert.All(changes, c => Assert.NotNull(c.NewParent));
                Assert.Equal(
                    tree.ChildrenOf(removed).Order(StringComparer.Ordinal),
                    changes.Where(c => c.OldParent == removed).Select(c => c.Bridge).Order(StringComparer.Ordinal));
            }
        }
    }

    [Fact]
    public void Removing_then_re_adding_keeps_the_tree_well_formed()
    {
        foreach ((int n, int k) in RemovalSample().Where(s => s.N % 5 == 0))
        {
            string[] bridges = AllBridges[..n];
            string[] cores = k % 2 == 0 ? ThreeCores : OneCore;
            RelayTree tree = TreePlanner.Plan(cores, bridges, k);
            var present = new List<string>([.. cores, .. bridges]);

            // Remove every third bridge (and, with a mesh, core y), then add them back in another order.
            string[] leaving = [.. bridges.Where((_, i) => i % 3 == 1), .. cores.Where(c => c == "y")];
            foreach (string bridge in leaving)
            {
                tree = TreePlanner.Remove(tree, bridge, out _);
                present.Remove(bridge);
                TreeAssert.WellFormed(tree, present);
            }

            foreach (string bridge in leaving.Where(b => b != "y").Reverse())
            {
                string expectedParent = tree.Bridges.First(b => tree.ChildrenOf(b).Count < k);
                RelayTree after = TreePlanner.Add(tree, bridge, out TreeChange change);
                Assert.Equal(new TreeChange(bridge, null, expectedParent), change);
                Assert.Equal([change], TreePlanner.Diff(tree, after));
                tree = after;
                present.Add(bridge);
                TreeAssert.WellFormed(tree, present);
            }
        }
    }

    /// <summary>The filler rule written out: B leaves, L = last breadth-first takes its slot and adopts its children.</summary>
    private static List<TreeChange> ExpectedFillerChanges(RelayTree tree, string removed)
    {
        string parent = tree.ParentOf(removed)!;
        string last = tree.Bridges.Last();
        var expected = new List<TreeChange> { new(removed, parent, null) };
        if (last == removed)
        {
            return expected;
        }

        expected.AddRange(tree.ChildrenOf(removed).Where(c => c != last).Select(c => new TreeChange(c, removed, last)));
        if (tree.ParentOf(last) != parent)
        {
            expected.Add(new TreeChange(last, tree.ParentOf(last), parent));
        }

        return expected;
    }

    private static List<string> Subtree(RelayTree tree, string root)
    {
        var below = new List<string>(tree.ChildrenOf(root));
        for (int i = 0; i < below.Count; i++)
        {
            below.AddRange(tree.ChildrenOf(below[i]));
        }

        return below;
    }
}
