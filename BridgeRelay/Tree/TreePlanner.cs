namespace BridgeRelay.Tree;

/// <summary>
/// Pure, deterministic planner of a conference's relay tree (docs/relay-tree.md). Every plan it returns is
/// breadth-first complete: in breadth-first order every bridge before the first non-full one has FanOut children,
/// so the occupied slots are a prefix of the heap layout and MaxDepth equals <see cref="RelayTree.MinimalDepth"/>.
/// </summary>
public static class TreePlanner
{
    /// <summary>Most cores a conference may have.</summary>
    public const int MaxCores = 16;

    /// <summary>Smallest fan-out: one child per bridge would be a chain.</summary>
    public const int MinFanOut = 2;

    /// <summary>Largest fan-out: one bridge cannot usefully feed more relay links than this.</summary>
    public const int MaxFanOut = 64;

    /// <summary>Default fan-out: 1 + 7 + 42 bridges serve about 10,000 viewers in two relay hops.</summary>
    public const int DefaultFanOut = 8;

    /// <summary>A plan holding only the cores (1..16 distinct non-empty names; fan-out 2..64).</summary>
    public static RelayTree Create(IReadOnlyList<string> cores, int fanOut)
    {
        ArgumentNullException.ThrowIfNull(cores);
        if (cores.Count is < 1 or > MaxCores)
        {
            throw new ArgumentException($"A relay tree needs 1 to {MaxCores} cores, got {cores.Count}.", nameof(cores));
        }

        if (fanOut is < MinFanOut or > MaxFanOut)
        {
            throw new ArgumentException($"Fan-out must be {MinFanOut} to {MaxFanOut}, got {fanOut}.", nameof(fanOut));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string core in cores)
        {
            CheckName(core, nameof(cores));
            if (!seen.Add(core))
            {
                throw new ArgumentException($"Core '{core}' is listed twice.", nameof(cores));
            }
        }

        return TreeBuilder.ForCores(cores, fanOut).Build();
    }

    /// <summary>
    /// Attaches a new bridge under the shallowest non-full bridge (ties: the earliest in breadth-first order), which
    /// keeps the tree complete and its depth minimal. <paramref name="change"/> is the one link to create.
    /// </summary>
    public static RelayTree Add(RelayTree tree, string bridge, out TreeChange change)
    {
        ArgumentNullException.ThrowIfNull(tree);
        CheckName(bridge, nameof(bridge));
        if (tree.Contains(bridge))
        {
            throw new ArgumentException($"Bridge '{bridge}' is already in the relay tree.", nameof(bridge));
        }

        TreeBuilder builder = TreeBuilder.From(tree);
        change = new TreeChange(bridge, null, builder.AttachFirstFree(bridge));
        return builder.Build();
    }

    /// <summary>
    /// Removes a bridge and restores the complete shape with as few parent changes as possible.
    /// <para>Non-core B: let L be the last bridge in breadth-first order (a deepest leaf). If L is B it is just dropped.
    /// Otherwise L takes B's place: L's parent becomes B's parent (at B's index among its siblings) and B's children
    /// become L's children in B's order. Changes: (B, parent, null) first, then (child, B, L) for each remaining child of
    /// B, then (L, old parent, B's parent) unless L was already B's sibling. Nothing else moves.</para>
    /// <para>Core C (another core must remain): C and its whole subtree leave, which keeps the rest complete; then the
    /// bridges below C are re-attached in their breadth-first order by the <see cref="Add"/> rule, so C's children fill
    /// the remaining cores' free slots first. At most the bridges below C change parent (C's children always do);
    /// bridges outside C's subtree never move. Changes are listed in the old breadth-first order.</para>
    /// Throws <see cref="ArgumentException"/> for an unknown bridge, <see cref="InvalidOperationException"/> for the last core.
    /// </summary>
    public static RelayTree Remove(RelayTree tree, string bridge, out IReadOnlyList<TreeChange> changes)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(bridge);
        if (!tree.Contains(bridge))
        {
            throw new ArgumentException($"Bridge '{bridge}' is not in the relay tree.", nameof(bridge));
        }

        TreeBuilder builder = TreeBuilder.From(tree);
        if (builder.IsCore(bridge))
        {
            if (builder.CoreCount == 1)
            {
                throw new InvalidOperationException($"Core '{bridge}' is the last core of the relay tree; it cannot be removed.");
            }

            foreach (string orphan in builder.RemoveCoreWithSubtree(bridge))
            {
                builder.AttachFirstFree(orphan);
            }

            RelayTree after = builder.Build();
            changes = Diff(tree, after);
            return after;
        }

        changes = RemoveNonCore(builder, bridge);
        return builder.Build();
    }

    /// <summary>The cores, then each bridge attached in order by <see cref="Add"/>: the same input always gives the same tree.</summary>
    public static RelayTree Plan(IReadOnlyList<string> cores, IReadOnlyList<string> bridges, int fanOut)
    {
        ArgumentNullException.ThrowIfNull(bridges);
        RelayTree coresOnly = Create(cores, fanOut);
        TreeBuilder builder = TreeBuilder.From(coresOnly);
        foreach (string bridge in bridges)
        {
            CheckName(bridge, nameof(bridges));
            if (builder.Contains(bridge))
            {
                throw new ArgumentException($"Bridge '{bridge}' is already in the plan (listed twice, or a core).", nameof(bridges));
            }

            builder.AttachFirstFree(bridge);
        }

        return builder.Build();
    }

    /// <summary>
    /// Every bridge whose parent link differs between the plans (a bridge absent from a plan, or a core, has no parent):
    /// bridges of <paramref name="before"/> in its breadth-first order, then bridges only in <paramref name="after"/> in theirs.
    /// </summary>
    public static IReadOnlyList<TreeChange> Diff(RelayTree before, RelayTree after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var changes = new List<TreeChange>();
        foreach (string bridge in before.Bridges)
        {
            string? oldParent = before.ParentOf(bridge);
            string? newParent = after.Contains(bridge) ? after.ParentOf(bridge) : null;
            if (!string.Equals(oldParent, newParent, StringComparison.Ordinal))
            {
                changes.Add(new TreeChange(bridge, oldParent, newParent));
            }
        }

        foreach (string bridge in after.Bridges)
        {
            string? newParent = after.ParentOf(bridge);
            if (newParent is not null && !before.Contains(bridge))
            {
                changes.Add(new TreeChange(bridge, null, newParent));
            }
        }

        return changes;
    }

    private static List<TreeChange> RemoveNonCore(TreeBuilder builder, string bridge)
    {
        string parent = builder.ParentOf(bridge)!;
        var changes = new List<TreeChange> { new(bridge, parent, null) };
        string last = builder.LastLeaf();
        string lastParent = builder.ParentOf(last)!;
        builder.DetachLeaf(last);
        if (last == bridge)
        {
            return changes;
        }

        foreach (string child in builder.ChildrenOf(bridge))
        {
            changes.Add(new TreeChange(child, bridge, last));
        }

        builder.ReplaceWith(bridge, last);
        if (lastParent != parent)
        {
            changes.Add(new TreeChange(last, lastParent, parent));
        }

        return changes;
    }

    private static void CheckName(string bridge, string parameter)
    {
        if (string.IsNullOrWhiteSpace(bridge))
        {
            throw new ArgumentException("Bridge names must be non-empty.", parameter);
        }
    }
}
