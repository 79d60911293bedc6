using System.Collections.Immutable;
using System.Collections.ObjectModel;
using System.Diagnostics;

namespace BridgeRelay.Tree;

/// <summary>
/// Immutable relay plan of one conference: the cores (depth 0, meshed among themselves) and every other bridge's
/// parent, with children kept in attachment order. Built only by <see cref="TreePlanner"/> (docs/relay-tree.md).
/// </summary>
public sealed class RelayTree
{
    private readonly Dictionary<string, Node> _nodes;
    private readonly ReadOnlyCollection<string> _breadthFirst;

    /// <summary>Builds the plan from each bridge's ordered children; every bridge must be reachable from a core.</summary>
    internal RelayTree(ImmutableArray<string> cores, int fanOut, IReadOnlyDictionary<string, List<string>> children)
    {
        Cores = cores;
        FanOut = fanOut;
        _nodes = new Dictionary<string, Node>(children.Count, StringComparer.Ordinal);
        var order = new List<string>(children.Count);
        foreach (string core in cores)
        {
            _nodes.Add(core, new Node(null, 0, [.. children[core]]));
            order.Add(core);
        }

        // Breadth-first walk: cores in order, then each node's children in attachment order.
        for (int i = 0; i < order.Count; i++)
        {
            Node node = _nodes[order[i]];
            foreach (string child in node.Children)
            {
                _nodes.Add(child, new Node(order[i], node.Depth + 1, [.. children[child]]));
                order.Add(child);
            }
        }

        Debug.Assert(order.Count == children.Count, "every bridge is reachable from a core");
        _breadthFirst = order.AsReadOnly();
        MaxDepth = _nodes[order[^1]].Depth;
    }

    /// <summary>The core bridges, in the order given to <see cref="TreePlanner.Create"/> (minus removed ones).</summary>
    public IReadOnlyList<string> Cores { get; }

    /// <summary>The most children any bridge (core or not) may have.</summary>
    public int FanOut { get; }

    /// <summary>Depth of the deepest bridge (cores are at 0).</summary>
    public int MaxDepth { get; }

    /// <summary>Every bridge, cores included, in breadth-first order (cores first, then children in attachment order).</summary>
    public IReadOnlyCollection<string> Bridges => _breadthFirst;

    /// <summary>Number of bridges below the cores.</summary>
    public int NonCoreCount => _breadthFirst.Count - Cores.Count;

    /// <summary>Breadth-first order as a list, for the planner's first-free and last-leaf lookups.</summary>
    internal IReadOnlyList<string> BreadthFirst => _breadthFirst;

    /// <summary>The children without the interface wrapper, for the planner's copy.</summary>
    internal ImmutableArray<string> ChildArray(string bridge) => _nodes[bridge].Children;

    /// <summary>True when the bridge is part of this plan.</summary>
    public bool Contains(string bridge) => _nodes.ContainsKey(bridge);

    /// <summary>The bridge's parent; null for a core. Throws <see cref="KeyNotFoundException"/> for an unknown bridge.</summary>
    public string? ParentOf(string bridge) => Get(bridge).Parent;

    /// <summary>The bridge's children in attachment order. Throws <see cref="KeyNotFoundException"/> for an unknown bridge.</summary>
    public IReadOnlyList<string> ChildrenOf(string bridge) => Get(bridge).Children;

    /// <summary>Relay hops from the nearest core (cores are 0). Throws <see cref="KeyNotFoundException"/> for an unknown bridge.</summary>
    public int DepthOf(string bridge) => Get(bridge).Depth;

    /// <summary>
    /// The smallest possible max depth for that many bridges: the least D with
    /// coreCount * (fanOut + fanOut^2 + ... + fanOut^D) &gt;= nonCoreCount.
    /// </summary>
    public static int MinimalDepth(int coreCount, int nonCoreCount, int fanOut)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(coreCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(nonCoreCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(fanOut, 2);
        int depth = 0;
        long capacity = 0, level = coreCount;
        while (capacity < nonCoreCount)
        {
            // Before the multiply level <= max(coreCount, capacity) < 2^31, so level * fanOut < 2^62: no overflow.
            level *= fanOut;
            capacity += level;
            depth++;
        }

        return depth;
    }

    private Node Get(string bridge)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        return _nodes.TryGetValue(bridge, out Node node)
            ? node
            : throw new KeyNotFoundException($"Bridge '{bridge}' is not in the relay tree.");
    }

    private readonly record struct Node(string? Parent, int Depth, ImmutableArray<string> Children);
}
