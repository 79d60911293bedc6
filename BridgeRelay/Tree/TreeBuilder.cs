namespace BridgeRelay.Tree;

/// <summary>Mutable working copy of a <see cref="RelayTree"/> that the planner edits and then freezes.</summary>
internal sealed class TreeBuilder
{
    private readonly List<string> _cores;
    private readonly int _fanOut;
    private readonly Dictionary<string, List<string>> _children;
    private readonly Dictionary<string, string?> _parent;

    private TreeBuilder(List<string> cores, int fanOut, int capacity)
    {
        _cores = cores;
        _fanOut = fanOut;
        _children = new Dictionary<string, List<string>>(capacity, StringComparer.Ordinal);
        _parent = new Dictionary<string, string?>(capacity, StringComparer.Ordinal);
    }

    /// <summary>A builder holding only the cores (callers validated them).</summary>
    public static TreeBuilder ForCores(IReadOnlyList<string> cores, int fanOut)
    {
        var builder = new TreeBuilder([.. cores], fanOut, cores.Count);
        foreach (string core in cores)
        {
            builder._children.Add(core, []);
            builder._parent.Add(core, null);
        }

        return builder;
    }

    /// <summary>A builder holding a copy of the tree.</summary>
    public static TreeBuilder From(RelayTree tree)
    {
        var builder = new TreeBuilder([.. tree.Cores], tree.FanOut, tree.Bridges.Count);
        foreach (string bridge in tree.BreadthFirst)
        {
            builder._children.Add(bridge, [.. tree.ChildArray(bridge)]);
            builder._parent.Add(bridge, tree.ParentOf(bridge));
        }

        return builder;
    }

    public bool Contains(string bridge) => _parent.ContainsKey(bridge);

    public bool IsCore(string bridge) => _parent.TryGetValue(bridge, out string? parent) && parent is null;

    public int CoreCount => _cores.Count;

    public string? ParentOf(string bridge) => _parent[bridge];

    public IReadOnlyList<string> ChildrenOf(string bridge) => _children[bridge];

    /// <summary>Attaches a new leaf under the first non-full bridge in breadth-first order (the shallowest, then earliest); returns that parent.</summary>
    public string AttachFirstFree(string bridge)
    {
        string parent = BreadthFirst().First(b => _children[b].Count < _fanOut);
        _children[parent].Add(bridge);
        _children.Add(bridge, []);
        _parent.Add(bridge, parent);
        return parent;
    }

    /// <summary>The last bridge in breadth-first order: always a leaf, and the deepest one.</summary>
    public string LastLeaf() => BreadthFirst()[^1];

    /// <summary>Drops a leaf from its parent's list.</summary>
    public void DetachLeaf(string leaf)
    {
        _children[_parent[leaf]!].Remove(leaf);
        _children.Remove(leaf);
        _parent.Remove(leaf);
    }

    /// <summary>
    /// The filler move: <paramref name="filler"/> (a leaf, already detached) takes <paramref name="removed"/>'s slot in
    /// its parent's child list and adopts its children in their order; <paramref name="removed"/> leaves the tree.
    /// </summary>
    public void ReplaceWith(string removed, string filler)
    {
        string parent = _parent[removed]!;
        List<string> siblings = _children[parent];
        siblings[siblings.IndexOf(removed)] = filler;
        List<string> adopted = _children[removed];
        foreach (string child in adopted)
        {
            _parent[child] = filler;
        }

        _children.Remove(removed);
        _parent.Remove(removed);
        _children.Add(filler, adopted);
        _parent.Add(filler, parent);
    }

    /// <summary>Removes a core with its whole subtree; returns the subtree's non-core bridges in breadth-first order.</summary>
    public List<string> RemoveCoreWithSubtree(string core)
    {
        var below = new List<string>();
        foreach (string child in _children[core])
        {
            below.Add(child);
        }

        for (int i = 0; i < below.Count; i++)
        {
            below.AddRange(_children[below[i]]);
        }

        foreach (string bridge in below)
        {
            _children.Remove(bridge);
            _parent.Remove(bridge);
        }

        _children.Remove(core);
        _parent.Remove(core);
        _cores.Remove(core);
        return below;
    }

    public RelayTree Build() => new([.. _cores], _fanOut, _children);

    private List<string> BreadthFirst()
    {
        var order = new List<string>(_parent.Count);
        order.AddRange(_cores);
        for (int i = 0; i < order.Count; i++)
        {
            order.AddRange(_children[order[i]]);
        }

        return order;
    }
}
