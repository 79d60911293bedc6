namespace Signaling.Assignment;

/// <summary>Shape rules for the ids the assignment code keys on (node, bridge, user ids).</summary>
internal static class AssignmentIds
{
    /// <summary>Longest node or bridge id; the same 1–64 of <c>A-Z a-z 0-9 - _ .</c> as the bridge's own <c>BridgeId</c>.</summary>
    public const int MaxIdLength = 64;

    /// <summary>Longest user id; user ids come from tokens, so they get a wider alphabet but still a bound.</summary>
    public const int MaxUserIdLength = 256;

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="id"/> is a well-formed node or bridge id.</summary>
    public static void RequireNodeId(string? id, string paramName)
    {
        ArgumentNullException.ThrowIfNull(id, paramName);
        if (id.Length is 0 or > MaxIdLength || !id.All(IsIdChar))
        {
            throw new ArgumentException($"id must be 1-{MaxIdLength} of A-Z a-z 0-9 - _ ., got \"{Printable(id)}\"", paramName);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="userId"/> is 1–256 printable characters.</summary>
    public static void RequireUserId(string? userId, string paramName)
    {
        ArgumentNullException.ThrowIfNull(userId, paramName);
        if (userId.Length is 0 or > MaxUserIdLength || userId.Any(char.IsControl))
        {
            throw new ArgumentException($"user id must be 1-{MaxUserIdLength} printable characters", paramName);
        }
    }

    /// <summary>The value cut to a loggable length with control characters replaced, so hostile input cannot forge log lines.</summary>
    public static string Printable(string value)
    {
        var cut = value.Length > 80 ? value[..80] + "..." : value;
        return string.Create(cut.Length, cut, static (dst, src) =>
        {
            for (var i = 0; i < src.Length; i++)
            {
                dst[i] = char.IsControl(src[i]) ? '?' : src[i];
            }
        });
    }

    private static bool IsIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';
}
