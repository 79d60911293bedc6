namespace BridgeRelay.Link;

/// <summary>
/// A SourceAnnounce too big for one datagram on a 1,500-byte path goes as parts of one round (docs/relay-protocol.md,
/// "Announcements in parts"). The relay header's source id, 0 for a whole announcement, tags a part: round (16 bits), part
/// index (8), part count (8). The receiver applies a round once all its parts arrived (<see cref="RelayAnnounceAssembly"/>).
/// </summary>
public static class RelayAnnounceParts
{
    /// <summary>Entries per part: 3 + 100 × 11 = 1,103 bytes of payload, 1,171 bytes with relay, UDP and IPv4 headers.</summary>
    public const int EntriesPerPart = 100;

    /// <summary>Most parts of one round, so at most 800 sources per conference are announced.</summary>
    public const int MaxParts = 8;

    /// <summary>The header source id of part <paramref name="part"/> of <paramref name="parts"/> (2..<see cref="MaxParts"/>) in <paramref name="round"/>.</summary>
    public static uint Tag(ushort round, int part, int parts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parts, MaxParts);
        ArgumentOutOfRangeException.ThrowIfNegative(part);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(part, parts);
        return ((uint)round << 16) | ((uint)part << 8) | (uint)parts;
    }

    /// <summary>Splits a header source id into round, part and part count; false for anything but a valid part tag (0 included).</summary>
    public static bool TryReadTag(uint sourceId, out ushort round, out int part, out int parts)
    {
        round = (ushort)(sourceId >> 16);
        part = (int)((sourceId >> 8) & 0xFF);
        parts = (int)(sourceId & 0xFF);
        return parts is >= 2 and <= MaxParts && part < parts;
    }
}
