using Signaling.Assignment;
using Signaling.Protocol;

namespace Signaling.Clients;

/// <summary>A participant of a room held by this node: its connection, bridge endpoint and media state.</summary>
internal sealed class RoomMember(string id, string name, ClientConnection connection, string bridgeId, Uri bridgeApi)
{
    /// <summary>Participant id, also the bridge endpoint id and the admission user id.</summary>
    public string Id { get; } = id;

    /// <summary>Display name.</summary>
    public string Name { get; } = name;

    /// <summary>The client's connection (for pushes).</summary>
    public ClientConnection Connection { get; } = connection;

    /// <summary>The core bridge holding this member's endpoint.</summary>
    public string BridgeId { get; } = bridgeId;

    /// <summary>The control API of that bridge.</summary>
    public Uri BridgeApi { get; } = bridgeApi;

    /// <summary>Microphone on (guarded by the room's lock).</summary>
    public bool Audio { get; set; }

    /// <summary>Camera on (guarded by the room's lock).</summary>
    public bool Video { get; set; }
}

/// <summary>
/// One room on this node: its admission and its participants. Membership changes and the pushes they cause happen under
/// one lock, and pushes only enqueue, so every member sees <c>joined</c> before its first <c>stage</c> and the stages in order.
/// </summary>
internal sealed class Room(RoomName name, RoomAdmission admission)
{
    private readonly List<RoomMember> _members = [];
    private readonly Lock _lock = new();

    /// <summary>The room's name.</summary>
    public RoomName Name { get; } = name;

    /// <summary>Who gets a seat.</summary>
    public RoomAdmission Admission { get; } = admission;

    /// <summary>The bridge conference id of this room.</summary>
    public string ConferenceId { get; } = BridgeApiClient.ConferenceId(name);

    /// <summary>Connections using the room (joining or joined); guarded by <see cref="RoomRegistry"/>.</summary>
    public int Users { get; set; }

    /// <summary>Adds <paramref name="member"/>, sends it <c>joined</c> (echoing <paramref name="requestId"/>), then everyone the new stage.</summary>
    public void Add(RoomMember member, string? requestId)
    {
        lock (_lock)
        {
            _members.Add(member);
            var list = _members.Select(m => new ParticipantInfo(m.Id, m.Name)).ToList();
            member.Connection.Send(new JoinedMessage(requestId, ParticipantRole.Participant, Name, member.Id, list, 0));
            PushStageLocked();
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
            if (!_members.Remove(member))
            {
                return false;
            }

            PushStageLocked();
            return true;
        }
    }

    private void PushStageLocked()
    {
        var stage = new StageMessage(_members.Select(m => new StageParticipant(m.Id, m.Name, m.Audio, m.Video)).ToList());
        foreach (var m in _members)
        {
            m.Connection.Send(stage);
        }
    }
}

/// <summary>The rooms in use on this node, each created on first use from <see cref="RoomPolicies"/> and dropped when its last connection goes.</summary>
internal sealed class RoomRegistry(RoomPolicies policies, BridgeSelector selector)
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
                room = new Room(name, new RoomAdmission(name, policies.Resolve(name)));
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
                selector.ReleaseConference(room.Name);
            }
        }
    }
}
