using Signaling.Assignment;
using Signaling.Features.Chat;
using Signaling.Features.Polls;
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

    /// <summary>Moderator rights in the room (from the tenant's token, or the first participant of a room without tokens).</summary>
    public bool Moderator { get; set; }

    /// <summary>The join token's subject (<c>sub</c>), when the tenant uses tokens; auto-promotion lists name it.</summary>
    public string? Subject { get; init; }

    /// <summary>A participant's place on the stage (<see cref="Room.NextStageOrder"/>): the stage lists participants by it, and the bridge ranks their sources by it. 0 for a visitor.</summary>
    public long StageOrder { get; init; }

    /// <summary>Microphone on (guarded by the room's lock).</summary>
    public bool Audio { get; set; }

    /// <summary>Camera on (guarded by the room's lock).</summary>
    public bool Video { get; set; }
}

/// <summary>
/// One room on this node: its admission, participants, visitors and relay tree. Membership changes and the pushes they cause
/// happen under one lock, and pushes only enqueue, so every member sees <c>joined</c> before its first <c>stage</c> and the
/// stages in order. Visitors get <c>stage</c> too; everyone gets <c>visitors</c>, at most once per <see cref="VisitorsPushInterval"/>.
/// On the main node the room's stage and visitor total (its own visitors plus those the visitor nodes report) also go to the
/// visitor nodes through <see cref="IRoomSync"/>; on a visitor node both come from main, and the room reports its own
/// visitor count to main instead.
/// </summary>
internal sealed class Room(RoomName name, RoomAdmission admission, IRoomSync sync, TimeProvider time)
{
    /// <summary>The shortest time between two <c>visitors</c> pushes: a crowd joining must not flood every client with counts.</summary>
    public static readonly TimeSpan VisitorsPushInterval = TimeSpan.FromSeconds(2);

    private readonly List<RoomMember> _members = [];
    private readonly List<RoomMember> _visitors = [];
    private readonly Dictionary<string, int> _nodeVisitors = new(StringComparer.Ordinal);
    // Per node, its visitors per bridge; null for a node that did not say (it then counts as on every bridge).
    private readonly Dictionary<string, IReadOnlyDictionary<string, int>?> _nodeVisitorBridges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _reserved = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long? _lastVisitorsPush;
    private int _pushedVisitors;
    private Dictionary<string, int> _pushedBridges = new(StringComparer.Ordinal);
    private ITimer? _visitorsTimer;
    private long _stageSeq;
    private long _stageOrders;
    private long _visitorsSeq;
    private RoomVersion _remoteStageVersion;
    private IReadOnlyList<StageParticipant> _remoteStage = [];
    private RoomVersion _remoteVisitorsVersion;
    private int _remoteVisitors;

    /// <summary>The room's name.</summary>
    public RoomName Name { get; } = name;

    /// <summary>Who gets a seat.</summary>
    public RoomAdmission Admission { get; } = admission;

    /// <summary>The bridge conference id of this room.</summary>
    public string ConferenceId { get; } = BridgeApiClient.ConferenceId(name);

    /// <summary>The room's relay tree of visitor bridges.</summary>
    public RoomRelayTree Tree { get; } = new();

    /// <summary>
    /// True for a room of an open tenant (no token): its first participant moderates, and when the last moderator leaves the
    /// participant present longest takes over. False: only tokens grant moderator rights.
    /// </summary>
    public bool ModeratorByArrival { get; init; }

    /// <summary>The room's chat (Features/Chat), guarded by the room's lock: use it inside <see cref="WithMembers{T}"/>.</summary>
    public RoomChat Chat { get; } = new();

    /// <summary>The room's polls (Features/Polls), guarded by the room's lock: use it inside <see cref="WithMembers{T}"/>.</summary>
    public RoomPolls Polls { get; } = new();

    /// <summary>
    /// Runs <paramref name="action"/> under the room's lock with the participants and visitors held here, so a feature's
    /// pushes keep one order with joins, leaves and each other. The lists are live: use them inside the call only.
    /// </summary>
    public T WithMembers<T>(Func<IReadOnlyList<RoomMember>, IReadOnlyList<RoomMember>, T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        lock (_lock)
        {
            return action(_members, _visitors);
        }
    }

    /// <summary>Connections using the room (joining or joined), plus one per visitor node with visitors in it; guarded by <see cref="RoomRegistry"/>.</summary>
    public int Users { get; set; }

    /// <summary>The next participant's place on the stage (1, 2, ...): taken when a participant starts joining.</summary>
    public long NextStageOrder() => Interlocked.Increment(ref _stageOrders);

    /// <summary>
    /// Adds <paramref name="member"/> and sends it <c>joined</c> (echoing <paramref name="requestId"/>); a participant then
    /// pushes the new stage to everyone, a visitor gets the current stage and counts in the next <c>visitors</c>.
    /// </summary>
    public void Add(RoomMember member, string? requestId)
    {
        lock (_lock)
        {
            if (member.Visitor)
            {
                _visitors.Add(member);
            }
            else
            {
                // By stage order, which joiners take before their endpoints exist: one whose endpoint came first may be added later.
                _members.Insert(_members.FindLastIndex(m => m.StageOrder <= member.StageOrder) + 1, member);
            }
            if (!member.Visitor && ModeratorByArrival && !sync.Remote && !_members.Any(m => m.Moderator))
            {
                member.Moderator = true;
            }

            var stage = StageLocked();
            var list = stage.Participants.Select(m => new ParticipantInfo(m.Id, m.Name)).ToList();
            var role = member.Visitor ? ParticipantRole.Visitor : ParticipantRole.Participant;
            member.Connection.Send(new JoinedMessage(requestId, role, Name, member.Id, list, VisitorTotalLocked()) { Moderator = member.Moderator, Name = member.Name });
            Chat.Welcome(member);
            Polls.Welcome(member);
            if (member.Visitor)
            {
                member.Connection.Send(stage);
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

            if (member.Moderator && ModeratorByArrival && _members.Count > 0 && !_members.Any(m => m.Moderator))
            {
                // The list is in join order: the longest-present participant moderates next (it learns so from the stage).
                _members[0].Moderator = true;
            }

            PushStageLocked();
            return true;
        }
    }

    /// <summary>Main: the stage and visitor total with their versions, for a visitor node taking the room up.</summary>
    public (RoomVersion StageVersion, StageMessage Stage, RoomVersion VisitorsVersion, int Visitors) Snapshot()
    {
        lock (_lock)
        {
            return (new RoomVersion(sync.Epoch, _stageSeq), StageLocked(), new RoomVersion(sync.Epoch, _visitorsSeq), VisitorTotalLocked());
        }
    }

    /// <summary>
    /// Main: visitor node <paramref name="node"/> holds <paramref name="count"/> visitors of this room now, <paramref name="bridges"/>
    /// of them per bridge (null: the node did not say). Returns whether the node held any before and holds any now (the registry
    /// keeps the room while a node does).
    /// </summary>
    public (bool Before, bool After) SetNodeVisitors(string node, int count, IReadOnlyDictionary<string, int>? bridges = null)
    {
        lock (_lock)
        {
            var before = _nodeVisitors.Remove(node) | _reserved.Remove(node);
            _nodeVisitorBridges.Remove(node);
            if (count > 0)
            {
                _nodeVisitors[node] = count;
                _nodeVisitorBridges[node] = bridges;
            }

            VisitorsChangedLocked();
            return (before, count > 0);
        }
    }

    /// <summary>
    /// Main: whether a visitor node holds visitors of this room on <paramref name="bridge"/>, by the nodes' last counts; a node
    /// that reports no per-bridge figures (an older release) counts as being on every bridge.
    /// </summary>
    public bool HasNodeVisitorsOn(string bridge)
    {
        lock (_lock)
        {
            return _nodeVisitorBridges.Values.Any(bridges => bridges is null || bridges.GetValueOrDefault(bridge) > 0);
        }
    }

    /// <summary>
    /// Main: visitor node <paramref name="node"/> is placing its first visitor of this room. True when the node had no
    /// presence here: the caller's registry reference then stands for the node until its count arrives
    /// (<see cref="SetNodeVisitors"/>) or <see cref="ExpireReservations"/> drops it.
    /// </summary>
    public bool Reserve(string node)
    {
        lock (_lock)
        {
            return !_nodeVisitors.ContainsKey(node) && _reserved.TryAdd(node, time.GetTimestamp());
        }
    }

    /// <summary>Main: withdraws a reservation that led nowhere; true when there was one.</summary>
    public bool Unreserve(string node)
    {
        lock (_lock)
        {
            return _reserved.Remove(node);
        }
    }

    /// <summary>Main: drops reservations older than <paramref name="ttl"/> (the node's visitor never arrived) and returns how many.</summary>
    public int ExpireReservations(TimeSpan ttl)
    {
        lock (_lock)
        {
            var expired = _reserved.Where(r => time.GetElapsedTime(r.Value) >= ttl).Select(r => r.Key).ToList();
            foreach (var node in expired)
            {
                _reserved.Remove(node);
            }

            return expired.Count;
        }
    }

    /// <summary>Visitor node: main's stage at <paramref name="version"/>; pushed to this node's members unless it is not newer than the one held.</summary>
    public void ApplyStage(RoomVersion version, IReadOnlyList<StageParticipant> participants)
    {
        lock (_lock)
        {
            if (!version.IsNewerThan(_remoteStageVersion))
            {
                return;
            }

            _remoteStageVersion = version;
            _remoteStage = participants;
            PushStageLocked();
        }
    }

    /// <summary>Visitor node: main's visitor total at <paramref name="version"/>; pushed to this node's members unless not newer.</summary>
    public void ApplyVisitors(RoomVersion version, int total)
    {
        lock (_lock)
        {
            if (!version.IsNewerThan(_remoteVisitorsVersion))
            {
                return;
            }

            _remoteVisitorsVersion = version;
            if (_remoteVisitors != total)
            {
                _remoteVisitors = total;
                SendAllLocked(new VisitorsMessage(total));
            }
        }
    }

    private StageMessage StageLocked() => sync.Remote
        ? new(_remoteStage)
        : new(_members.Select(m => new StageParticipant(m.Id, m.Name, m.Audio, m.Video, m.Moderator)).ToList());

    private int VisitorTotalLocked() => sync.Remote ? _remoteVisitors : _visitors.Count + _nodeVisitors.Values.Sum();

    private void PushStageLocked()
    {
        var stage = StageLocked();
        SendAllLocked(stage);
        if (!sync.Remote)
        {
            sync.StageChanged(this, new RoomVersion(sync.Epoch, ++_stageSeq), stage);
        }
    }

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

    /// <summary>
    /// Main: the total to this node's members and to the visitor nodes; visitor node: this node's count, and its visitors per
    /// bridge, to main.
    /// </summary>
    private void PushVisitorsLocked()
    {
        var count = sync.Remote ? _visitors.Count : VisitorTotalLocked();
        var bridges = sync.Remote
            ? _visitors.GroupBy(v => v.BridgeId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal)
            : new Dictionary<string, int>(StringComparer.Ordinal);

        // Changes that cancel out within the interval (one in, one out) need no push.
        if (count == _pushedVisitors && bridges.Count == _pushedBridges.Count && !bridges.Except(_pushedBridges).Any())
        {
            return;
        }

        _pushedVisitors = count;
        _pushedBridges = bridges;
        _lastVisitorsPush = time.GetTimestamp();
        if (!sync.Remote)
        {
            SendAllLocked(new VisitorsMessage(count));
        }

        sync.VisitorsChanged(this, new RoomVersion(sync.Epoch, ++_visitorsSeq), count, bridges);
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
            if (member.Visitor && sync.Remote)
            {
                // Main keeps a bridge in the room's tree while this node's visitors are on it: tell it where they are now.
                VisitorsChangedLocked();
            }

            return true;
        }
    }
}

/// <summary>The rooms in use on this node, each created on first use from <see cref="RoomPolicies"/> and dropped when its last connection goes.</summary>
internal sealed class RoomRegistry(RoomPolicies policies, BridgeSelector selector, IRoomSync sync, TimeProvider time)
{
    private readonly Dictionary<RoomName, Room> _rooms = [];
    private readonly Lock _lock = new();

    /// <summary>Whether a new room's first participant moderates (<see cref="Room.ModeratorByArrival"/>); default: every room.</summary>
    public Func<RoomName, bool> ModeratesByArrival { get; init; } = _ => true;

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
                room = new Room(name, new RoomAdmission(name, policies.Resolve(name)), sync, time) { ModeratorByArrival = ModeratesByArrival(name) };
                _rooms[name] = room;
            }

            room.Users++;
            return room;
        }
    }

    /// <summary>The room <paramref name="name"/> when it is in use, else null (nothing is created).</summary>
    public Room? Find(RoomName name)
    {
        lock (_lock)
        {
            return _rooms.GetValueOrDefault(name);
        }
    }

    /// <summary>The rooms in use now.</summary>
    public IReadOnlyList<Room> Snapshot()
    {
        lock (_lock)
        {
            return [.. _rooms.Values];
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
