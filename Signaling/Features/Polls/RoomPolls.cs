using Signaling.Clients;
using Signaling.Protocol;

namespace Signaling.Features.Polls;

/// <summary>
/// One room's polls on this node, guarded by the room's lock (use inside <see cref="Room.WithMembers{T}"/>). On main they
/// are the room's <see cref="Book"/>; on a visitor node the newest snapshot main sent. Either way <see cref="Current"/>
/// is what a joiner gets right after <c>joined</c> and what the next coalesced push carries.
/// </summary>
internal sealed class RoomPolls
{
    private PollsMessage _current = new(0, 0, []);
    private long _authorityEpoch;

    /// <summary>Main: the room's polls, the single authority (thread-safe itself).</summary>
    public PollBook Book { get; } = new();

    /// <summary>True while a push of <see cref="Current"/> is queued (so a vote storm queues one).</summary>
    public bool PushQueued { get; set; }

    /// <summary>The room's poll set: on main rebuilt from <see cref="Book"/> when it changed, on a node the newest applied.</summary>
    public PollsMessage Current
    {
        get
        {
            if (_authorityEpoch != 0 && (_current.Epoch != _authorityEpoch || _current.Version != Book.Version))
            {
                var (version, polls) = Book.Snapshot();
                _current = new PollsMessage(_authorityEpoch, version, polls);
            }

            return _current;
        }
    }

    /// <summary>Main: <see cref="Current"/> comes from <see cref="Book"/>, stamped with main's <paramref name="epoch"/>.</summary>
    public void TakeAuthority(long epoch) => _authorityEpoch = epoch;

    /// <summary>Sends a joiner the room's polls right after its <c>joined</c>, when there are any (no polls is what a client starts with).</summary>
    public void Welcome(RoomMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        if (Current.Polls.Count > 0)
        {
            member.Connection.Send(Current);
        }
    }

    /// <summary>Visitor node: takes main's <paramref name="snapshot"/> when newer than the one held (a higher epoch, or the same and a higher version).</summary>
    public bool Apply(PollsMessage snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (snapshot.Epoch < _current.Epoch || (snapshot.Epoch == _current.Epoch && snapshot.Version <= _current.Version))
        {
            return false;
        }

        _current = snapshot;
        return true;
    }
}
