using Signaling.Features.Polls;

namespace Bridge.Tests.Signaling.Features;

/// <summary>Polls of a room: the option rules, one vote per voter (a second replaces the first), frozen after close, versions.</summary>
public class PollBookTests
{
    [Fact]
    public void Votes_count_once_per_voter_a_second_vote_replaces_the_first_and_close_freezes_the_tallies()
    {
        var book = new PollBook();
        var poll = book.Create(" Lunch? ", ["Pizza", "Salad", "Soup"], "p-1", out var refusal)!;
        Assert.Null(refusal);
        Assert.Equal(("Lunch?", 1L), (poll.Question, poll.Version));

        book.Vote(poll.Id, "v1-1", 0, out _);
        book.Vote(poll.Id, "v1-2", 0, out _);
        book.Vote(poll.Id, "p-2", 1, out _);
        var view = book.Vote(poll.Id, "v1-1", 2, out _)!;
        Assert.Equal([1, 1, 1], view.Tallies);
        Assert.Equal(5, view.Version);

        Assert.True(book.Close(poll.Id, out _)!.Closed);
        Assert.Null(book.Vote(poll.Id, "v2-1", 0, out refusal));
        Assert.Equal(PollRefusal.Closed, refusal);
        Assert.Equal(6, book.Close(poll.Id, out _)!.Version);
        var (version, polls) = book.Snapshot();
        Assert.Equal(6, version);
        Assert.Equal([1, 1, 1], Assert.Single(polls).Tallies);
    }

    [Theory]
    [InlineData("", 2)]
    [InlineData("Q", 1)]
    [InlineData("Q", 11)]
    public void Questions_and_option_counts_outside_the_rules_are_refused(string question, int options)
    {
        var book = new PollBook();
        Assert.Null(book.Create(question, [.. Enumerable.Range(0, options).Select(i => $"o{i}")], "p-1", out var refusal));
        Assert.Equal(PollRefusal.Invalid, refusal);
        Assert.Equal(0, book.Version);
    }

    [Fact]
    public void Empty_or_overlong_options_unknown_polls_and_options_and_the_room_limit_are_refused()
    {
        var book = new PollBook();
        Assert.Null(book.Create("Q", ["a", " "], "p-1", out var refusal));
        Assert.Equal(PollRefusal.Invalid, refusal);
        Assert.Null(book.Create("Q", ["a", new string('x', PollBook.MaxTextLength + 1)], "p-1", out refusal));
        Assert.Equal(PollRefusal.Invalid, refusal);

        var poll = book.Create("Q", ["a", "b"], "p-1", out _)!;
        Assert.Null(book.Vote("poll-99", "x", 0, out refusal));
        Assert.Equal(PollRefusal.UnknownPoll, refusal);
        Assert.Null(book.Vote(poll.Id, "x", 2, out refusal));
        Assert.Equal(PollRefusal.UnknownOption, refusal);
        Assert.Null(book.Vote(poll.Id, "x", -1, out refusal));
        Assert.Equal(PollRefusal.UnknownOption, refusal);
        Assert.Null(book.Close("poll-99", out refusal));
        Assert.Equal(PollRefusal.UnknownPoll, refusal);

        for (var i = 1; i < PollBook.MaxPolls; i++)
        {
            Assert.NotNull(book.Create("Q", ["a", "b"], "p-1", out _));
        }

        Assert.Null(book.Create("Q", ["a", "b"], "p-1", out refusal));
        Assert.Equal(PollRefusal.TooMany, refusal);
    }

    [Fact]
    public async Task Concurrent_voters_are_all_counted_exactly()
    {
        var book = new PollBook();
        var poll = book.Create("Q", ["a", "b", "c"], "p-1", out _)!;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                // Each voter votes twice; only the second counts.
                book.Vote(poll.Id, $"t{t}-{i}", 0, out _);
                book.Vote(poll.Id, $"t{t}-{i}", (t + i) % 3, out _);
            }
        })));

        var tallies = book.Snapshot().Polls[0].Tallies;
        Assert.Equal(4000, tallies.Sum());
        var expected = new int[3];
        for (var t = 0; t < 8; t++)
        {
            for (var i = 0; i < 500; i++)
            {
                expected[(t + i) % 3]++;
            }
        }

        Assert.Equal(expected, tallies);
    }
}
