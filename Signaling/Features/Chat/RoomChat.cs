using Signaling.Clients;
using Signaling.Protocol;

namespace Signaling.Features.Chat;

/// <summary>
/// One room's chat on this node: the recent public messages by sequence number, and whether visitors may write. Guarded by
/// the room's lock (every call happens inside <see cref="Room.WithMembers{T}"/>), so ordering, history and pushes agree.
/// On main the room's order is made here; on a visitor node it is main's order, applied at most once per message.
/// </summary>
internal sealed class RoomChat
{
    private readonly SortedList<long, (ChatMessage Message, string? Key)> _history = [];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private long _settingsSeq;

    /// <summary>Main's epoch the history belongs to (a visitor node drops the history of an older main).</summary>
    public long Epoch { get; private set; }

    /// <summary>Highest sequence number ordered (main) or pushed (visitor node).</summary>
    public long LastSeq { get; private set; }

    /// <summary>Whether visitors may write to the room.</summary>
    public bool VisitorChat { get; private set; } = true;

    /// <summary>The settings' version.</summary>
    public RoomVersion SettingsVersion => new(Epoch, _settingsSeq);

    /// <summary>The public messages held, oldest first.</summary>
    public IEnumerable<ChatMessage> History => _history.Values.Select(h => h.Message);

    /// <summary>Sends a joiner <c>chat.history</c> and <c>chat.settings</c> (called right after its <c>joined</c>).</summary>
    public void Welcome(RoomMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        member.Connection.Send(new ChatHistoryMessage([.. History]));
        member.Connection.Send(new ChatSettingsMessage(VisitorChat, member.Moderator));
    }

    /// <summary>
    /// Main: gives the next sequence number to a message and keeps a public one in the last <paramref name="limit"/>. Null
    /// when <paramref name="key"/> (a node event's idempotency key) was ordered already: a re-read event is stored once.
    /// </summary>
    public ChatMessage? Order(long epoch, string? key, ChatSender from, string text, long ts, bool isPrivate, int limit)
    {
        if (key is not null && _keys.Contains(key))
        {
            return null;
        }

        Epoch = epoch;
        var message = new ChatMessage(++LastSeq, from, text, ts, isPrivate);
        if (!isPrivate)
        {
            Keep(message, key, limit);
        }

        return message;
    }

    /// <summary>
    /// Visitor node: main's message <paramref name="message"/> of <paramref name="epoch"/>. Kept when new; true when it is
    /// also past every message pushed so far, so the caller pushes it (messages arrive in order, so pushes stay in order).
    /// </summary>
    public bool Apply(long epoch, ChatMessage message, int limit)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!TakeEpoch(epoch) || _history.ContainsKey(message.Seq) || (_history.Count >= limit && message.Seq < _history.Keys[0]))
        {
            return false;
        }

        Keep(message, null, limit);
        if (message.Seq <= LastSeq)
        {
            // Older than what was pushed: a placement answer filling in history a member of this node already has.
            return false;
        }

        LastSeq = message.Seq;
        return true;
    }

    /// <summary>Main: sets whether visitors may write; true when that changed (the version then moves on).</summary>
    public bool SetVisitorChat(long epoch, bool enabled)
    {
        Epoch = epoch;
        if (VisitorChat == enabled)
        {
            return false;
        }

        VisitorChat = enabled;
        _settingsSeq++;
        return true;
    }

    /// <summary>Visitor node: main's settings at <paramref name="version"/>; true when newer and different from those held.</summary>
    public bool ApplySettings(RoomVersion version, bool visitorChat)
    {
        if (!TakeEpoch(version.Epoch) || !version.IsNewerThan(SettingsVersion))
        {
            return false;
        }

        _settingsSeq = version.Seq;
        var changed = VisitorChat != visitorChat;
        VisitorChat = visitorChat;
        return changed;
    }

    /// <summary>False for an older main's data; a newer main (restarted, its history lost) starts the room's chat afresh.</summary>
    private bool TakeEpoch(long epoch)
    {
        if (epoch < Epoch)
        {
            return false;
        }

        if (epoch > Epoch)
        {
            Epoch = epoch;
            _history.Clear();
            LastSeq = 0;
            _settingsSeq = 0;
        }

        return true;
    }

    private void Keep(ChatMessage message, string? key, int limit)
    {
        _history[message.Seq] = (message, key);
        if (key is not null)
        {
            _keys.Add(key);
        }

        while (_history.Count > limit)
        {
            if (_history.Values[0].Key is { } old)
            {
                _keys.Remove(old);
            }

            _history.RemoveAt(0);
        }
    }
}
