using System.Diagnostics.CodeAnalysis;

namespace Signaling.Assignment;

/// <summary>Limits of <see cref="VisitorNodeSelector"/>.</summary>
public sealed record VisitorNodeOptions
{
    /// <summary>Visitors a node should hold at most; beyond it a node is chosen only as overflow. Default 2000.</summary>
    public int MaxVisitorsPerNode { get; init; } = 2000;

    /// <summary>How long a redirect counts as in flight (handed out, not yet confirmed by the node). Default 10 s.</summary>
    public TimeSpan InFlightWindow { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A node with no report or confirmation for this long is skipped. Default 30 s.</summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>Result of <see cref="VisitorNodeSelector.Choose"/>.</summary>
/// <param name="NodeId">Node to redirect the visitor to.</param>
/// <param name="Load">The node's load before this redirect: reported visitors plus redirects in flight.</param>
/// <param name="Overflow">True when every fresh node was at or over the cap and this one was taken anyway.</param>
public sealed record VisitorNodeChoice(string NodeId, int Load, bool Overflow);

/// <summary>One node's figures as <see cref="VisitorNodeSelector.Snapshot"/> sees them.</summary>
/// <param name="NodeId">Node id.</param>
/// <param name="Visitors">Visitors the node reported (plus confirmations since).</param>
/// <param name="InFlight">Redirects handed out within the in-flight window and not confirmed.</param>
/// <param name="Stale">True when the node has been silent longer than the staleness limit.</param>
public sealed record VisitorNodeLoad(string NodeId, int Visitors, int InFlight, bool Stale);

/// <summary>
/// Picks the visitor node for each redirected joiner: least loaded under the cap, counting redirects still in flight. Thread-safe.
/// </summary>
/// <remarks>
/// A node's count lags behind redirects by a round trip and a report interval; without the in-flight term a burst of joiners
/// would all see the same least-loaded node and land there. Each handout is therefore remembered with its time until the node
/// confirms it (<see cref="Confirm"/> moves it into the count) or <see cref="VisitorNodeOptions.InFlightWindow"/> passes (the
/// visitor never came, or its arrival is in the next report). A <see cref="Report"/> sets the count but leaves in-flight entries:
/// for nodes that never confirm this over-counts by at most one window of redirects, which errs towards spreading.
/// </remarks>
public sealed class VisitorNodeSelector
{
    private readonly TimeProvider _time;
    private readonly SortedDictionary<string, Node> _nodes = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _redirects;
    private long _overflows;

    /// <summary>Creates an empty selector on <paramref name="time"/>.</summary>
    public VisitorNodeSelector(TimeProvider time, VisitorNodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        Options = options ?? new VisitorNodeOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaxVisitorsPerNode, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Options.InFlightWindow, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Options.StaleAfter, TimeSpan.Zero, nameof(options));
    }

    /// <summary>The limits in use.</summary>
    public VisitorNodeOptions Options { get; }

    /// <summary>Redirects handed out so far.</summary>
    public long Redirects => Interlocked.Read(ref _redirects);

    /// <summary>Redirects that went to a node at or over the cap because all were.</summary>
    public long Overflows => Interlocked.Read(ref _overflows);

    /// <summary>Records a node's visitor count (and that it is alive); the first report registers the node.</summary>
    public void Report(string nodeId, int visitorCount)
    {
        AssignmentIds.RequireNodeId(nodeId, nameof(nodeId));
        ArgumentOutOfRangeException.ThrowIfNegative(visitorCount);
        lock (_lock)
        {
            if (!_nodes.TryGetValue(nodeId, out var node))
            {
                node = new Node(nodeId);
                _nodes.Add(nodeId, node);
            }

            node.Visitors = visitorCount;
            node.LastSeen = _time.GetTimestamp();
        }
    }

    /// <summary>The node says <paramref name="arrived"/> redirected visitors arrived: that many oldest in-flight entries move into its count.</summary>
    public void Confirm(string nodeId, int arrived)
    {
        AssignmentIds.RequireNodeId(nodeId, nameof(nodeId));
        ArgumentOutOfRangeException.ThrowIfNegative(arrived);
        lock (_lock)
        {
            var node = Find(nodeId);
            var now = _time.GetTimestamp();
            Expire(node, now);
            for (var i = 0; i < arrived && node.InFlight.Count > 0; i++)
            {
                node.InFlight.Dequeue();
            }

            // Arrivals after their window ran out are still real visitors, so the count takes all of them.
            node.Visitors = (int)Math.Min(int.MaxValue, (long)node.Visitors + arrived);
            node.LastSeen = now;
        }
    }

    /// <summary>Forgets a node (it shut down); false when it was not known.</summary>
    public bool Remove(string nodeId)
    {
        AssignmentIds.RequireNodeId(nodeId, nameof(nodeId));
        lock (_lock)
        {
            return _nodes.Remove(nodeId);
        }
    }

    /// <summary>Chooses the node for one redirect and counts it in flight; throws <see cref="AssignmentException"/> (<see cref="AssignmentError.NoVisitorNode"/>) when no node is fresh.</summary>
    public VisitorNodeChoice Choose() =>
        TryChoose(out var choice)
            ? choice
            : throw new AssignmentException(AssignmentError.NoVisitorNode, "no visitor node has reported recently");

    /// <summary>Like <see cref="Choose"/>, but false instead of an exception when no node is fresh.</summary>
    public bool TryChoose([NotNullWhen(true)] out VisitorNodeChoice? choice)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            Node? best = null;
            var bestLoad = 0;
            var bestUnder = false;

            // _nodes iterates in ordinal id order, so keeping only strictly better candidates breaks ties by id.
            foreach (var node in _nodes.Values)
            {
                if (_time.GetElapsedTime(node.LastSeen, now) >= Options.StaleAfter)
                {
                    continue;
                }

                Expire(node, now);
                var load = node.Load;
                var under = load < Options.MaxVisitorsPerNode;
                if (best is null || (under && !bestUnder) || (under == bestUnder && load < bestLoad))
                {
                    best = node;
                    bestLoad = load;
                    bestUnder = under;
                }
            }

            if (best is null)
            {
                choice = null;
                return false;
            }

            best.InFlight.Enqueue(now);
            _redirects++;
            if (!bestUnder)
            {
                _overflows++;
            }

            choice = new VisitorNodeChoice(best.Id, bestLoad, !bestUnder);
            return true;
        }
    }

    /// <summary>Every known node's figures, in id order.</summary>
    public IReadOnlyList<VisitorNodeLoad> Snapshot()
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            var list = new List<VisitorNodeLoad>(_nodes.Count);
            foreach (var node in _nodes.Values)
            {
                Expire(node, now);
                list.Add(new VisitorNodeLoad(node.Id, node.Visitors, node.InFlight.Count, _time.GetElapsedTime(node.LastSeen, now) >= Options.StaleAfter));
            }

            return list;
        }
    }

    private Node Find(string nodeId) =>
        _nodes.TryGetValue(nodeId, out var node)
            ? node
            : throw new AssignmentException(AssignmentError.UnknownNode, $"visitor node \"{nodeId}\" is not known");

    private void Expire(Node node, long now)
    {
        while (node.InFlight.TryPeek(out var handedOut) && _time.GetElapsedTime(handedOut, now) >= Options.InFlightWindow)
        {
            node.InFlight.Dequeue();
        }
    }

    private sealed class Node(string id)
    {
        public string Id { get; } = id;

        public int Visitors { get; set; }

        public long LastSeen { get; set; }

        /// <summary>Hand-out timestamps of unconfirmed redirects, oldest first.</summary>
        public Queue<long> InFlight { get; } = new();

        public int Load => (int)Math.Min(int.MaxValue, (long)Visitors + InFlight.Count);
    }
}
