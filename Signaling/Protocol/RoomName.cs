namespace Signaling.Protocol;

/// <summary>A validated room name <c>tenant/room</c>: each part 1-64 characters of <c>[a-z0-9._-]</c>, neither part "." or "..".</summary>
public readonly record struct RoomName
{
    private RoomName(string tenant, string room)
    {
        Tenant = tenant;
        Room = room;
    }

    /// <summary>The tenant part (before the slash).</summary>
    public string Tenant { get; }

    /// <summary>The room part (after the slash).</summary>
    public string Room { get; }

    /// <summary>Validates <paramref name="text"/>; false for anything but exactly one slash between two valid parts.</summary>
    public static bool TryParse(string? text, out RoomName name)
    {
        name = default;
        if (text is null)
        {
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IsPart(text.AsSpan(0, slash)) || !IsPart(text.AsSpan(slash + 1)))
        {
            return false;
        }

        name = new RoomName(text[..slash], text[(slash + 1)..]);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => Tenant is null ? string.Empty : $"{Tenant}/{Room}";

    // Upper case is refused rather than folded so that one room has one spelling everywhere (Redis keys, logs, URLs);
    // "." and ".." are refused because room names end up in paths and keys.
    private static bool IsPart(ReadOnlySpan<char> part)
    {
        if (part.IsEmpty || part.Length > ProtocolLimits.MaxRoomPartLength || part is "." or "..")
        {
            return false;
        }

        foreach (var c in part)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
