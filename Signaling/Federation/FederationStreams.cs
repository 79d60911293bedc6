namespace Signaling.Federation;

/// <summary>Stream naming, retention default and the rules both bus implementations share.</summary>
public static class FederationStreams
{
    /// <summary>Default retention bound per stream (XADD MAXLEN ~).</summary>
    public const long DefaultMaxLength = 100_000;

    /// <summary>Longest accepted stream name.</summary>
    public const int MaxStreamNameLength = 200;

    /// <summary>Name of the stream carrying events from node <paramref name="from"/> to node <paramref name="to"/>: <c>fed:{from}->{to}</c>.</summary>
    public static string Name(string from, string to)
    {
        CheckNodeId(from, nameof(from));
        CheckNodeId(to, nameof(to));
        return $"fed:{from}->{to}";
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the name is 1..200 printable ASCII characters without spaces.</summary>
    internal static void ValidateStreamName(string stream)
    {
        if (string.IsNullOrEmpty(stream) || stream.Length > MaxStreamNameLength || !stream.All(c => c is > ' ' and < (char)0x7f))
        {
            throw new ArgumentException(
                $"A stream name is 1..{MaxStreamNameLength} printable ASCII characters without spaces.", nameof(stream));
        }
    }

    /// <summary>
    /// True when resuming after <paramref name="after"/> would miss events: the stream is empty (it was reset) or its
    /// oldest retained entry is newer than the position (trimming removes oldest first, so anything trimmed after the
    /// position took the position with it), or the position is beyond the newest entry (the stream was reset).
    /// Conservative: a subscriber exactly one entry behind the trim point is also told to resync.
    /// </summary>
    internal static bool IsGap(FederationEventId? after, FederationEventId? first, FederationEventId? last) =>
        after is { } a && (first is not { } f || last is not { } l || a < f || a > l);

    private static void CheckNodeId(string id, string paramName)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException("A node id is 1..64 ASCII letters, digits, '-', '_' or '.'.", paramName);
        }
    }
}
