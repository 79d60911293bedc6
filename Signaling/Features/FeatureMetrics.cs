using Prometheus;

namespace Signaling.Features;

/// <summary>Metrics of the room features (chat, reactions), registered on the node's /metrics registry.</summary>
internal sealed class FeatureMetrics
{
    private readonly Counter _chat;
    private readonly Counter _reactions;
    private readonly Counter _reactionsDropped;
    private readonly Counter _polls;
    private readonly Counter _votes;

    /// <summary>Registers the metrics on <paramref name="registry"/>.</summary>
    public FeatureMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _chat = factory.CreateCounter("signaling_chat_messages_total", "Chat messages: on main those it ordered, by where the author was (main, node); on a visitor node those its visitors sent (node).", "origin");
        _reactions = factory.CreateCounter("signaling_reactions_total", "Reactions accepted from this node's own clients.");
        _reactionsDropped = factory.CreateCounter("signaling_reactions_dropped_total", "Reactions dropped because a client sent more than its per-second allowance.");
        _polls = factory.CreateCounter("signaling_polls_total", "Polls created (main).");
        _votes = factory.CreateCounter("signaling_poll_votes_total", "Poll votes accepted from this node's own clients (a visitor node: forwarded to main).");
    }

    /// <summary>Counts a chat message from <paramref name="origin"/> (main or node).</summary>
    public void CountChat(string origin) => _chat.WithLabels(origin).Inc();

    /// <summary>Counts an accepted reaction.</summary>
    public void CountReaction() => _reactions.Inc();

    /// <summary>Counts a reaction dropped by the per-client limit.</summary>
    public void CountReactionDropped() => _reactionsDropped.Inc();

    /// <summary>Counts a poll created.</summary>
    public void CountPoll() => _polls.Inc();

    /// <summary>Counts a vote accepted from this node's own client.</summary>
    public void CountVote() => _votes.Inc();

    /// <summary>Reactions dropped so far (tests, logs).</summary>
    public long ReactionsDropped => (long)_reactionsDropped.Value;

    /// <summary>Reactions accepted so far.</summary>
    public long ReactionsAccepted => (long)_reactions.Value;
}
