namespace Signaling.Assignment;

/// <summary>What went wrong in an assignment decision; callers switch on it instead of parsing messages.</summary>
public enum AssignmentError
{
    /// <summary>A room name is not <c>tenant/room</c> with 1–64 of <c>[a-z0-9._-]</c> on each side.</summary>
    InvalidRoomName,

    /// <summary>A visitor node id was never reported (or was removed).</summary>
    UnknownNode,

    /// <summary>A bridge id was never registered (or was removed).</summary>
    UnknownBridge,

    /// <summary>No visitor node is fresh enough to take a redirect.</summary>
    NoVisitorNode,

    /// <summary>No bridge is registered, alive and not failed.</summary>
    NoBridge,
}

/// <summary>Typed failure of the assignment rules; <see cref="Error"/> says which.</summary>
public sealed class AssignmentException : Exception
{
    /// <summary>Creates the failure with its kind and a message naming the offending value.</summary>
    public AssignmentException(AssignmentError error, string message)
        : base(message)
    {
        Error = error;
    }

    /// <summary>Kind of failure.</summary>
    public AssignmentError Error { get; }
}
