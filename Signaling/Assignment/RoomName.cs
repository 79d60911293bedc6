using System.Diagnostics.CodeAnalysis;

namespace Signaling.Assignment;

/// <summary>A validated room name <c>tenant/room</c>: each side 1–64 of <c>[a-z0-9._-]</c>, lower-case, and not <c>.</c> or <c>..</c>.</summary>
/// <remarks>
/// Names end up in Redis stream keys, metric labels and URLs, so the alphabet is closed and nothing is normalised:
/// upper-case input is refused rather than folded, so two spellings can never name one room. <c>.</c> and <c>..</c>
/// are refused although their characters are allowed, so a name can never walk a path.
/// </remarks>
public sealed record RoomName
{
    /// <summary>Longest tenant or room part.</summary>
    public const int MaxPartLength = 64;

    private RoomName(string tenant, string room)
    {
        Tenant = tenant;
        Room = room;
    }

    /// <summary>Tenant part (before the slash).</summary>
    public string Tenant { get; }

    /// <summary>Room part (after the slash).</summary>
    public string Room { get; }

    /// <summary>Parses <c>tenant/room</c>; false with a one-line reason when the text is not a valid name.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out RoomName? name, [NotNullWhen(false)] out string? error)
    {
        name = null;
        if (text is null)
        {
            error = "room name is missing";
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            error = $"room name \"{AssignmentIds.Printable(text)}\" is not tenant/room";
            return false;
        }

        var tenant = text[..slash];
        var room = text[(slash + 1)..];
        if (!IsValidPart(tenant, out error, "tenant") || !IsValidPart(room, out error, "room"))
        {
            error = $"room name \"{AssignmentIds.Printable(text)}\": {error}";
            return false;
        }

        name = new RoomName(tenant, room);
        return true;
    }

    /// <summary>Parses <c>tenant/room</c>; throws <see cref="AssignmentException"/> (<see cref="AssignmentError.InvalidRoomName"/>) when invalid.</summary>
    public static RoomName Parse(string? text) =>
        TryParse(text, out var name, out var error) ? name : throw new AssignmentException(AssignmentError.InvalidRoomName, error);

    /// <summary>True when <paramref name="tenant"/> is a valid tenant part (the rule tenant-wide policies are keyed by).</summary>
    public static bool IsValidTenant(string? tenant) => IsValidPart(tenant, out _, "tenant");

    /// <summary>The name as <c>tenant/room</c>.</summary>
    public override string ToString() => $"{Tenant}/{Room}";

    private static bool IsValidPart([NotNullWhen(true)] string? part, [NotNullWhen(false)] out string? error, string what)
    {
        if (string.IsNullOrEmpty(part) || part.Length > MaxPartLength)
        {
            error = $"{what} must be 1-{MaxPartLength} characters";
            return false;
        }

        if (part is "." or "..")
        {
            error = $"{what} must not be \".\" or \"..\"";
            return false;
        }

        foreach (var c in part)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-'))
            {
                error = $"{what} may hold only a-z 0-9 . _ -";
                return false;
            }
        }

        error = null;
        return true;
    }
}
