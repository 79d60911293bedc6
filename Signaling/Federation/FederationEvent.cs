namespace Signaling.Federation;

/// <summary>One conference event carried between signaling nodes over the federation bus.</summary>
/// <param name="Id">Stream-assigned id ("ms-seq"); empty until the bus has stored the event.</param>
/// <param name="Key">Idempotency key chosen by the publisher: publishing the same key twice stores the event once.</param>
/// <param name="Room">Conference the event belongs to, as <c>tenant/room</c>.</param>
/// <param name="Type">Event type, e.g. <c>chat</c>, <c>hand-raised</c>.</param>
/// <param name="Payload">JSON payload, opaque to the bus.</param>
/// <param name="Origin">Id of the node that produced the event.</param>
/// <param name="Timestamp">UTC time the event was produced, millisecond precision.</param>
public sealed record FederationEvent(
    string Id, string Key, string Room, string Type, string Payload, string Origin, DateTimeOffset Timestamp)
{
    /// <summary>Longest accepted idempotency key, room, type or origin, in characters.</summary>
    public const int MaxNameLength = 256;

    /// <summary>Largest accepted payload, in characters (federation events are small control messages).</summary>
    public const int MaxPayloadLength = 64 * 1024;

    /// <summary>Makes a new unpublished event with a fresh idempotency key; keep the instance to retry a failed publish.</summary>
    public static FederationEvent Create(string room, string type, string payload, string origin, TimeProvider? time = null) =>
        new(string.Empty, Guid.NewGuid().ToString("N"), room, type, payload, origin,
            TruncateToMilliseconds((time ?? TimeProvider.System).GetUtcNow()));

    /// <summary>Drops sub-millisecond precision, which neither bus keeps.</summary>
    internal static DateTimeOffset TruncateToMilliseconds(DateTimeOffset t) =>
        DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds());

    /// <summary>Throws <see cref="ArgumentException"/> when a field is missing, too long or holds control characters.</summary>
    internal void Validate()
    {
        CheckName(Key, nameof(Key));
        if (Key.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("Key must not contain ':' (it is part of a Redis key name).", nameof(Key));
        }

        CheckName(Room, nameof(Room));
        CheckName(Type, nameof(Type));
        CheckName(Origin, nameof(Origin));
        ArgumentNullException.ThrowIfNull(Payload, nameof(Payload));
        if (Payload.Length > MaxPayloadLength)
        {
            throw new ArgumentException($"Payload is longer than {MaxPayloadLength} characters.", nameof(Payload));
        }
    }

    private static void CheckName(string? value, string field)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxNameLength || value.Any(char.IsControl))
        {
            throw new ArgumentException(
                $"{field} must be 1..{MaxNameLength} characters without control characters.", field);
        }
    }
}
