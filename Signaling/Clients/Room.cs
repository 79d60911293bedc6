using Signaling.Assignment;
using Signaling.Protocol;

namespace Signaling.Clients;

/// <summary>A participant or visitor of a room held by this node: its connection, bridge endpoint and media state.</summary>
internal sealed class RoomMember(string id, string name, ClientConnection connection, string bridgeId, Uri bridgeApi, bool visitor = false)
{
    /// <summary>Participant id, also the bridge endpoint id and the admission user id.</summary>
    public string Id { get; } = id;

    /// <summary>True for a visitor: a receive-only endpoint, not on stage, no seat.</summary>
    public bool Visitor { get; } = visitor;

    /// <summary>Display name.</summary>
    public string Name { get; } = name;

    /// <summary>The client's connection (for pushes).</summary>
    public ClientConnection Connection { get; } = connection;

    /// <summary>The bridge holding this member's endpoint: the core for a participant, a visitor bridge for a visitor (set under the room's lock).</summary>
    public string BridgeId { get; set; } = bridgeId;

    /// <summary>The control API of that bridge (set under the room's lock, with <see cref="BridgeId"/>).</summary>
    public Uri BridgeApi { get; set; } = bridgeApi;

    /// <summary>Microphone on (guarded by the room's lock).</summary>
    public bool Audio { get; set; }

    /// <summary>Camera on (guarded by the room's lock).</summary>
    public bool Video { get; set; }
}

/// <summary>
/// One room on this node: its admission, participants, visitors and relay tree. Membership changes and the pushes they cause
/// happen under one lock, and pushes only enqueue, so every member sees <c>joined</c> before its first <c>stage</c> and the
/// stages in order. Visitors get <c>stage</c> too; everyone gets <c>visitors</c>, at most once per <see cref="VisitorsPushInterval"/>.
/// </summary>
internal sealed class Room(RoomName name, RoomAdmission admission, TimeProvider time)
{
    /// <summary>The shortest time between two <c>visitors</c> pushes: a crowd joining must not flood every client with counts.</summary>
    public static readonly TimeSpan VisitorsPushInterval = TimeSpan.FromSeconds(2);

    private readonly List<RoomMember> _members = [];
    private readonly List<RoomMember> _visitors = [];
    private readonly Lock _lock = new();
    private long? _lastVisitorsPush;
    private int _pushedVisitors;
    private ITimer? _visitorsTimer;

    /// <summary>The room's name.</summary>
    public RoomName Name { get; } = name;

    /// <summary>Who gets a seat.</summary>
    public RoomAdmission Admission { get; } = admission;

    /// <summary>The bridge conference id of this room.</summary>
    public string ConferenceId { get; } = BridgeApiClient.ConferenceId(name);

    /// <summary>The room's relay tree of visitor bridges.</summary>
    public RoomRelayTree Tree { get; } = new();

    /// <summary>Connections using the room (joining or joined); guarded by <see cref="RoomRegistry"/>.</summary>
    public int Users { get; set; }

    /// <summary>
    /// Adds <paramref name="member"/> and sends it <c>joined</c> (echoing <paramref name="requestId"/>); a participant then
    /// pushes the new stage to everyone, a visitor gets the current stage and counts in the next <c>visitors</c>.
    /// </summary>
    public void Add(RoomMember member, string? requestId)
    {
        lock (_lock)
        {
            (member.Visitor ? _visitors : _members).Add(member);
            var list = _members.Select(m => new ParticipantInfo(m.Id, m.Name)).ToList();
            var role = member.Visitor ? ParticipantRole.Visitor : ParticipantRole.Participant;
            member.Connection.Send(new JoinedMessage(requestId, role, Name, member.Id, list, _visitors.Count));
            if (member.Visitor)
            {
                member.Connection.Send(StageLocked());
                VisitorsChangedLocked();
            }
            else
            {
                PushStageLocked();
            }
        }
    }

    /// <summary>Sets a member's media state and pushes the new stage.</summary>
    public void SetMedia(RoomMember member, bool audio, bool video)
    {
        lock (_lock)
        {
            member.Audio = audio;
            member.Video = video;
            PushStageLocked();
        }
    }

    /// <summary>Removes <paramref name="member"/> and tells the others the new stage; false when it was not a member.</summary>
    public bool Remove(RoomMember member)
    {
        lock (_lock)
        {
            if (member.Visitor)
            {
                if (!_visitors.Remove(member))
                {
                    return false;
                }

                VisitorsChangedLocked();
                return true;
            }

            if (!_members.Remove(member))
            {
                return false;
            }

            PushStageLocked();
            return true;
        }
    }

    private StageMessage StageLocked() => new(_members.Select(m => new StageParticipant(m.Id, m.Name, m.Audio, m.Video)).ToList());

    private void PushStageLocked() => SendAllLocked(StageLocked());

    private void SendAllLocked(ServerMessage message)
    {
        foreach (var m in _members)
        {
            m.Connection.Send(message);
        }

        foreach (var v in _visitors)
        {
            v.Connection.Send(message);
        }
    }

    /// <summary>Pushes the count now when the last push is old enough, else once when the interval is up (a pending push covers later changes).</summary>
    private void VisitorsChangedLocked()
    {
        if (_visitorsTimer is not null)
        {
            return;
        }

        var wait = _lastVisitorsPush is { } last ? VisitorsPushInterval - time.GetElapsedTime(last) : TimeSpan.Zero;
        if (wait <= TimeSpan.Zero)
        {
            PushVisitorsLocked();
            return;
        }

        _visitorsTimer = time.CreateTimer(_ =>
        {
            lock (_lock)
            {
                _visitorsTimer?.Dispose();
                _visitorsTimer = null;
                PushVisitorsLocked();
            }
        }, null, wait, Timeout.InfiniteTimeSpan);
    }

    private void PushVisitorsLocked()
    {
        // Changes that cancel out within the interval (one in, one out) need no push.
        if (_visitors.Count == _pushedVisitors)
        {
            return;
        }

        _pushedVisitors = _visitors.Count;
        _lastVisitorsPush = time.GetTimestamp();
        SendAllLocked(new VisitorsMessage(_visitors.Count));
    }

    /// <summary>The members whose endpoint is on <paramref name="bridgeId"/>: participants first, then visitors.</summary>
    public IReadOnlyList<RoomMember> MembersOn(string bridgeId)
    {
        lock (_lock)
        {
            return [.. _members.Where(m => m.BridgeId == bridgeId), .. _visitors.Where(v => v.BridgeId == bridgeId)];
        }
    }

    /// <summary>Points <paramref name="member"/> at its new endpoint's bridge; false when it is no longer a member.</summary>
    public bool MoveMember(RoomMember member, string bridgeId, Uri bridgeApi)
    {
        ArgumentNullException.ThrowIfNull(member);
        lock (_lock)
        {
            if (!(member.Visitor ? _visitors : _members).Contains(member))
            {
                return false;
            }

            member.BridgeId = bridgeId;
            member.BridgeApi = bridgeApi;
            return true;
        }
    }
}

/// <summary>The rooms in use on this node, each created on first use from <see cref="RoomPolicies"/> and dropped when its last connection goes.</summary>
internal sealed class RoomRegistry(RoomPolicies policies, BridgeSelector selector, TimeProvider time)
{
    private readonly Dictionary<RoomName, Room> _rooms = [];
    private readonly Lock _lock = new();

    /// <summary>Rooms in use.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _rooms.Count;
            }
        }
    }

    /// <summary>The room <paramref name="name"/>, created under its effective policy when new; pair with <see cref="Exit"/>.</summary>
    public Room Enter(RoomName name)
    {
        lock (_lock)
        {
            if (!_rooms.TryGetValue(name, out var room))
            {
                room = new Room(name, new RoomAdmission(name, policies.Resolve(name)), time);
                _rooms[name] = room;
            }

            room.Users++;
            return room;
        }
    }

    /// <summary>One connection stopped using <paramref name="room"/>; the last one drops the room and its core-bridge choice.</summary>
    public void Exit(Room room)
    {
        lock (_lock)
        {
            if (--room.Users == 0 && _rooms.Remove(room.Name))
            {
                Ended?.Invoke(room);
                selector.ReleaseConference(room.Name);
            }
        }
    }

    /// <summary>Raised (under the registry's lock, before its core choice is released) when a room's last connection went; handlers must not block.</summary>
    public event Action<Room>? Ended;

    /// <summary>The rooms in use now.</summary>
    public IReadOnlyList<Room> All()
    {
        lock (_lock)
        {
            return [.. _rooms.Values];
        }
    }

    /// <summary>True while a room named <paramref name="name"/> is in use.</summary>
    public bool IsActive(RoomName name)
    {
        lock (_lock)
        {
            return _rooms.ContainsKey(name);
        }
    }
}
