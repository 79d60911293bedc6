namespace Signaling.Features.Polls;

/// <summary>Why a poll operation was refused; the client gets <c>bad-field</c> or <c>forbidden</c> with the message.</summary>
public enum PollRefusal
{
    /// <summary>The question or options break the rules (2-10 options, lengths).</summary>
    Invalid,

    /// <summary>No poll with that id in the room.</summary>
    UnknownPoll,

    /// <summary>The option index is out of range.</summary>
    UnknownOption,

    /// <summary>The poll is closed: its results are frozen.</summary>
    Closed,

    /// <summary>The room has reached its poll limit.</summary>
    TooMany,
}

/// <summary>A poll's public state: question, options, tallies (one per option), closed flag and the version it was taken at.</summary>
public sealed record PollView(string Id, string Question, IReadOnlyList<string> Options, IReadOnlyList<int> Tallies, bool Closed, string CreatedBy, long Version);

/// <summary>
/// One room's polls, held by the main node (the single authority): created by participants, voted once per voter (a second
/// vote replaces the first), closed to freeze the results. Every change bumps the room-wide <see cref="Version"/>, so a
/// visitor node or client holding a snapshot applies only newer ones. Thread-safe.
/// </summary>
public sealed class PollBook
{
    /// <summary>Fewest options a poll may have.</summary>
    public const int MinOptions = 2;

    /// <summary>Most options a poll may have.</summary>
    public const int MaxOptions = 10;

    /// <summary>Longest question or option, in characters.</summary>
    public const int MaxTextLength = 300;

    /// <summary>Most polls a room keeps (closed ones included).</summary>
    public const int MaxPolls = 50;

    private readonly Dictionary<string, Poll> _polls = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Lock _lock = new();
    private long _version;
    private int _nextId;

    /// <summary>The room-wide version: bumped by every create, vote and close.</summary>
    public long Version
    {
        get
        {
            lock (_lock)
            {
                return _version;
            }
        }
    }

    /// <summary>Creates a poll; null with the refusal when the question or options break the rules or the room has too many.</summary>
    public PollView? Create(string question, IReadOnlyList<string> options, string createdBy, out PollRefusal? refusal)
    {
        ArgumentNullException.ThrowIfNull(options);
        var q = question?.Trim() ?? "";
        var opts = options.Select(o => o?.Trim() ?? "").ToList();
        if (q.Length is 0 or > MaxTextLength || opts.Count is < MinOptions or > MaxOptions || opts.Any(o => o.Length is 0 or > MaxTextLength))
        {
            refusal = PollRefusal.Invalid;
            return null;
        }

        lock (_lock)
        {
            if (_polls.Count >= MaxPolls)
            {
                refusal = PollRefusal.TooMany;
                return null;
            }

            var id = "poll-" + (++_nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var poll = new Poll(id, q, opts, createdBy);
            _polls.Add(id, poll);
            _order.Add(id);
            _version++;
            refusal = null;
            return poll.View(_version);
        }
    }

    /// <summary>Records <paramref name="voter"/>'s vote for option <paramref name="option"/>, replacing an earlier vote of the same voter.</summary>
    public PollView? Vote(string pollId, string voter, int option, out PollRefusal? refusal)
    {
        lock (_lock)
        {
            if (!_polls.TryGetValue(pollId, out var poll))
            {
                refusal = PollRefusal.UnknownPoll;
                return null;
            }

            if (poll.Closed)
            {
                refusal = PollRefusal.Closed;
                return null;
            }

            if (option < 0 || option >= poll.Options.Count)
            {
                refusal = PollRefusal.UnknownOption;
                return null;
            }

            if (poll.Votes.TryGetValue(voter, out var previous))
            {
                poll.Tallies[previous]--;
            }

            poll.Votes[voter] = option;
            poll.Tallies[option]++;
            _version++;
            refusal = null;
            return poll.View(_version);
        }
    }

    /// <summary>Closes a poll, freezing its results; closing a closed poll changes nothing and succeeds.</summary>
    public PollView? Close(string pollId, out PollRefusal? refusal)
    {
        lock (_lock)
        {
            if (!_polls.TryGetValue(pollId, out var poll))
            {
                refusal = PollRefusal.UnknownPoll;
                return null;
            }

            if (!poll.Closed)
            {
                poll.Closed = true;
                _version++;
            }

            refusal = null;
            return poll.View(_version);
        }
    }

    /// <summary>Every poll, oldest first, with the room-wide version.</summary>
    public (long Version, IReadOnlyList<PollView> Polls) Snapshot()
    {
        lock (_lock)
        {
            return (_version, [.. _order.Select(id => _polls[id].View(_version))]);
        }
    }

    private sealed class Poll(string id, string question, List<string> options, string createdBy)
    {
        public string Id { get; } = id;

        public List<string> Options { get; } = options;

        public int[] Tallies { get; } = new int[options.Count];

        public Dictionary<string, int> Votes { get; } = new(StringComparer.Ordinal);

        public bool Closed { get; set; }

        public PollView View(long version) => new(Id, question, Options, [.. Tallies], Closed, createdBy, version);
    }
}
