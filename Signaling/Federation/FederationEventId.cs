using System.Globalization;

namespace Signaling.Federation;

/// <summary>A stream entry id "ms-seq" (the Redis Streams format), ordered by milliseconds then sequence.</summary>
internal readonly record struct FederationEventId(ulong Milliseconds, ulong Sequence) : IComparable<FederationEventId>
{
    /// <summary>Parses "ms-seq" (both parts decimal); returns false on anything else.</summary>
    public static bool TryParse(string? text, out FederationEventId id)
    {
        id = default;
        if (text is null || text.Length > 41)
        {
            return false;
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || dash == text.Length - 1)
        {
            return false;
        }

        var span = text.AsSpan();
        if (!IsDigits(span[..dash]) || !IsDigits(span[(dash + 1)..])
            || !ulong.TryParse(span[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            || !ulong.TryParse(span[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
        {
            return false;
        }

        id = new FederationEventId(ms, seq);
        return true;
    }

    /// <summary>Parses an id given by a caller, throwing <see cref="ArgumentException"/> when it is malformed.</summary>
    public static FederationEventId ParseArgument(string text, string paramName) =>
        TryParse(text, out var id) ? id : throw new ArgumentException($"'{text}' is not a stream id of the form ms-seq.", paramName);

    /// <summary>The id that follows this one within the same millisecond, or the first of a later millisecond.</summary>
    public FederationEventId Next(ulong nowMilliseconds) =>
        nowMilliseconds > Milliseconds ? new(nowMilliseconds, 0) : new(Milliseconds, Sequence + 1);

    /// <inheritdoc/>
    public int CompareTo(FederationEventId other) =>
        Milliseconds != other.Milliseconds ? Milliseconds.CompareTo(other.Milliseconds) : Sequence.CompareTo(other.Sequence);

    /// <summary>Less-than by stream order.</summary>
    public static bool operator <(FederationEventId a, FederationEventId b) => a.CompareTo(b) < 0;

    /// <summary>Greater-than by stream order.</summary>
    public static bool operator >(FederationEventId a, FederationEventId b) => a.CompareTo(b) > 0;

    /// <summary>Less-or-equal by stream order.</summary>
    public static bool operator <=(FederationEventId a, FederationEventId b) => a.CompareTo(b) <= 0;

    /// <summary>Greater-or-equal by stream order.</summary>
    public static bool operator >=(FederationEventId a, FederationEventId b) => a.CompareTo(b) >= 0;

    /// <summary>The "ms-seq" text form.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Milliseconds}-{Sequence}");

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return s.Length is > 0 and <= 20;
    }
}
