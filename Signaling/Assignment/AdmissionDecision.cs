namespace Signaling.Assignment;

/// <summary>One join attempt: who, and whether they asked to watch only.</summary>
/// <param name="UserId">Stable id of the joiner (from its token); 1–256 printable characters.</param>
/// <param name="WantsVisitor">True when the joiner asked to be a visitor (watch only).</param>
public sealed record JoinRequest(string UserId, bool WantsVisitor = false);

/// <summary>Where a joiner goes.</summary>
public enum AdmissionRole
{
    /// <summary>Main participant in the main room, with send rights.</summary>
    Participant,

    /// <summary>Visitor: redirected to a visitor node, receive only.</summary>
    Visitor,

    /// <summary>Not admitted at all.</summary>
    Refused,
}

/// <summary>Why a joiner got its role; <see cref="AdmissionDecision.ReasonCode"/> is the wire/metric spelling.</summary>
public enum AdmissionReason
{
    /// <summary><c>under-limit</c>: a participant seat was free.</summary>
    UnderLimit,

    /// <summary><c>rejoin</c>: the user already holds a seat (reconnect); no second seat is taken.</summary>
    Rejoin,

    /// <summary><c>promoted</c>: a promotion ticket admitted the user beyond the limit (consumed now).</summary>
    Promoted,

    /// <summary><c>asked-visitor</c>: the joiner asked to be a visitor.</summary>
    AskedVisitor,

    /// <summary><c>over-limit</c>: all participant seats were taken; this joiner starts the room's use of visitors.</summary>
    OverLimit,

    /// <summary><c>visitors-in-use</c>: the room already sends joiners to visitors, so freed seats are not handed out again.</summary>
    VisitorsInUse,

    /// <summary><c>room-full</c>: all seats taken and the room has visitors disabled.</summary>
    RoomFull,

    /// <summary><c>visitors-disabled</c>: the joiner asked to be a visitor but the room has visitors disabled.</summary>
    VisitorsDisabled,
}

/// <summary>Outcome of <see cref="RoomAdmission.Decide"/>: role and reason.</summary>
public readonly record struct AdmissionDecision(AdmissionRole Role, AdmissionReason Reason)
{
    /// <summary>The reason as a stable kebab-case code for the client and for metric labels.</summary>
    public string ReasonCode => Reason switch
    {
        AdmissionReason.UnderLimit => "under-limit",
        AdmissionReason.Rejoin => "rejoin",
        AdmissionReason.Promoted => "promoted",
        AdmissionReason.AskedVisitor => "asked-visitor",
        AdmissionReason.OverLimit => "over-limit",
        AdmissionReason.VisitorsInUse => "visitors-in-use",
        AdmissionReason.RoomFull => "room-full",
        AdmissionReason.VisitorsDisabled => "visitors-disabled",
        _ => throw new InvalidOperationException($"unknown admission reason {Reason}"),
    };
}
