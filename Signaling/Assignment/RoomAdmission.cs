namespace Signaling.Assignment;

/// <summary>
/// Participant/visitor admission of one room under its <see cref="RoomPolicy"/>. Pure state, no clock and no I/O; thread-safe.
/// </summary>
/// <remarks>
/// The first <see cref="RoomPolicy.MaxParticipants"/> joiners get seats. The first joiner beyond the limit switches the room to
/// "visitors used" for good: from then on new joiners go to visitors even when a participant leaves, so a seat freed in a room
/// with visitors never goes to whoever happens to join next ahead of the visitors already watching. The only way in after that
/// is a promotion ticket (a moderator approving a raised hand). A visitor who asked to be one does not switch the room: a viewer
/// in a small meeting must not push the next real participant out. With visitors disabled nothing is ever redirected.
/// </remarks>
public sealed class RoomAdmission
{
    private readonly HashSet<string> _seated = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tickets = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private long _redirects;
    private long _refusals;
    private bool _visitorsUsed;

    /// <summary>Creates the empty room <paramref name="room"/> under <paramref name="policy"/>.</summary>
    public RoomAdmission(RoomName room, RoomPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(policy);
        Room = room;
        Policy = policy;
    }

    /// <summary>The room.</summary>
    public RoomName Room { get; }

    /// <summary>The policy the room was created with.</summary>
    public RoomPolicy Policy { get; }

    /// <summary>Seats held now (including promoted users).</summary>
    public int ParticipantCount
    {
        get
        {
            lock (_lock)
            {
                return _seated.Count;
            }
        }
    }

    /// <summary>True once a joiner was sent to visitors because the seats were full.</summary>
    public bool VisitorsUsed
    {
        get
        {
            lock (_lock)
            {
                return _visitorsUsed;
            }
        }
    }

    /// <summary>Joiners sent to visitors so far (any reason).</summary>
    public long Redirects => Interlocked.Read(ref _redirects);

    /// <summary>Joiners refused so far (<c>room-full</c> or <c>visitors-disabled</c>).</summary>
    public long Refusals => Interlocked.Read(ref _refusals);

    /// <summary>Decides the role of one joiner and, for a participant, takes its seat.</summary>
    public AdmissionDecision Decide(JoinRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        AssignmentIds.RequireUserId(request.UserId, nameof(request));
        lock (_lock)
        {
            var decision = DecideLocked(request);
            if (decision.Role == AdmissionRole.Visitor)
            {
                _redirects++;
            }
            else if (decision.Role == AdmissionRole.Refused)
            {
                _refusals++;
            }

            return decision;
        }
    }

    /// <summary>Frees the user's seat; false when it held none. The seat can be taken again only while visitors are unused.</summary>
    public bool Leave(string userId)
    {
        AssignmentIds.RequireUserId(userId, nameof(userId));
        lock (_lock)
        {
            return _seated.Remove(userId);
        }
    }

    /// <summary>Issues a one-use ticket that admits <paramref name="userId"/> as participant on its next join, beyond the limit; false when it is already seated.</summary>
    public bool Promote(string userId)
    {
        AssignmentIds.RequireUserId(userId, nameof(userId));
        lock (_lock)
        {
            return !_seated.Contains(userId) && _tickets.Add(userId);
        }
    }

    /// <summary>True when <paramref name="userId"/> holds a seat.</summary>
    public bool IsParticipant(string userId)
    {
        lock (_lock)
        {
            return _seated.Contains(userId);
        }
    }

    private AdmissionDecision DecideLocked(JoinRequest request)
    {
        var user = request.UserId;
        if (request.WantsVisitor)
        {
            // Asking to watch keeps any ticket for a later join; it never switches the room to "visitors used".
            return Policy.VisitorsEnabled
                ? new(AdmissionRole.Visitor, AdmissionReason.AskedVisitor)
                : new(AdmissionRole.Refused, AdmissionReason.VisitorsDisabled);
        }

        if (_seated.Contains(user))
        {
            return new(AdmissionRole.Participant, AdmissionReason.Rejoin);
        }

        if (_tickets.Remove(user))
        {
            _seated.Add(user);
            return new(AdmissionRole.Participant, AdmissionReason.Promoted);
        }

        if (_visitorsUsed)
        {
            return new(AdmissionRole.Visitor, AdmissionReason.VisitorsInUse);
        }

        if (_seated.Count < Policy.MaxParticipants)
        {
            _seated.Add(user);
            return new(AdmissionRole.Participant, AdmissionReason.UnderLimit);
        }

        if (!Policy.VisitorsEnabled)
        {
            return new(AdmissionRole.Refused, AdmissionReason.RoomFull);
        }

        _visitorsUsed = true;
        return new(AdmissionRole.Visitor, AdmissionReason.OverLimit);
    }
}
