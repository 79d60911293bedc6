namespace Signaling.Protocol;

/// <summary>The closed set of error codes the server sends in an <c>error</c> message (docs/signaling-protocol.md, "Errors").</summary>
public enum ErrorCode
{
    /// <summary><c>bad-json</c>: the frame is not UTF-8, not JSON, not one JSON object, or nests too deep.</summary>
    BadJson,

    /// <summary><c>unknown-type</c>: <c>type</c> names no message of this protocol version.</summary>
    UnknownType,

    /// <summary><c>unsupported-version</c>: <c>v</c> is missing or is not the integer 1.</summary>
    UnsupportedVersion,

    /// <summary><c>bad-field</c>: a required field is missing, or a field has the wrong type, length, form, or appears twice.</summary>
    BadField,

    /// <summary><c>frame-too-large</c>: the frame exceeds the server's frame limit; refused before parsing.</summary>
    FrameTooLarge,

    /// <summary><c>rate-limited</c>: the client sends faster than its message budget.</summary>
    RateLimited,

    /// <summary><c>not-joined</c>: the message needs a joined session.</summary>
    NotJoined,

    /// <summary><c>already-joined</c>: a second <c>join</c> on one connection.</summary>
    AlreadyJoined,

    /// <summary><c>room-full</c>: no participant seat and no visitor seat is left.</summary>
    RoomFull,

    /// <summary><c>visitors-disabled</c>: the participant seats are taken and the room admits no visitors.</summary>
    VisitorsDisabled,

    /// <summary><c>forbidden</c>: the token is missing, invalid, expired, or does not grant this room.</summary>
    Forbidden,

    /// <summary><c>internal</c>: the server failed; the client may retry later.</summary>
    Internal,
}

/// <summary>Wire names and default fatality of <see cref="ErrorCode"/> values.</summary>
public static class ErrorCodes
{
    /// <summary>The kebab-case name written on the wire.</summary>
    public static string Name(ErrorCode code) => code switch
    {
        ErrorCode.BadJson => "bad-json",
        ErrorCode.UnknownType => "unknown-type",
        ErrorCode.UnsupportedVersion => "unsupported-version",
        ErrorCode.BadField => "bad-field",
        ErrorCode.FrameTooLarge => "frame-too-large",
        ErrorCode.RateLimited => "rate-limited",
        ErrorCode.NotJoined => "not-joined",
        ErrorCode.AlreadyJoined => "already-joined",
        ErrorCode.RoomFull => "room-full",
        ErrorCode.VisitorsDisabled => "visitors-disabled",
        ErrorCode.Forbidden => "forbidden",
        ErrorCode.Internal => "internal",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "not an error code"),
    };

    /// <summary>Maps a wire name back to its code (for clients and tests); false for any other string.</summary>
    public static bool TryParse(string? name, out ErrorCode code)
    {
        foreach (var candidate in Enum.GetValues<ErrorCode>())
        {
            if (string.Equals(Name(candidate), name, StringComparison.Ordinal))
            {
                code = candidate;
                return true;
            }
        }

        code = default;
        return false;
    }

    /// <summary>
    /// Whether the server closes the connection after sending this error, unless it decides otherwise.
    /// A client that sends oversized frames or speaks another version can never recover on this connection,
    /// and a refused join leaves nothing to do on it; everything else is answered and the connection stays.
    /// (<c>rate-limited</c> is non-fatal until <see cref="ClientRateLimiter"/> says close.)
    /// </summary>
    public static bool IsFatalByDefault(ErrorCode code) => code is
        ErrorCode.FrameTooLarge or ErrorCode.UnsupportedVersion or ErrorCode.RoomFull or
        ErrorCode.VisitorsDisabled or ErrorCode.Forbidden;
}
