namespace BridgeRelay.Link;

/// <summary>
/// Collects the parts of one conference's announcements from one link: a round is complete when every part arrived, and is
/// then handed out whole. A part of another round starts over: the round before lost a part (the next one repairs it, 500 ms
/// later), or the sender started counting anew. Thread-safe.
/// </summary>
public sealed class RelayAnnounceAssembly
{
    private readonly Lock _lock = new();
    private readonly List<RelaySourceEntry>?[] _parts = new List<RelaySourceEntry>?[RelayAnnounceParts.MaxParts];
    private ushort _round;
    private int _count;

    /// <summary>
    /// Adds part <paramref name="part"/> of <paramref name="parts"/> of <paramref name="round"/>; returns the whole announcement when
    /// this part completed its round, else null. The tag must come from <see cref="RelayAnnounceParts.TryReadTag"/>.
    /// </summary>
    public List<RelaySourceEntry>? Add(ushort round, int part, int parts, RelaySourceAnnouncement announcement)
    {
        lock (_lock)
        {
            // Nothing collected yet has a count of 0, which no part carries.
            if (round != _round || parts != _count)
            {
                Array.Clear(_parts);
                (_round, _count) = (round, parts);
            }
            var entries = new List<RelaySourceEntry>(announcement.Count);
            for (var i = 0; i < announcement.Count; i++)
            {
                entries.Add(announcement.Get(i));
            }
            _parts[part] = entries;
            for (var i = 0; i < _count; i++)
            {
                if (_parts[i] is null)
                {
                    return null;
                }
            }
            var whole = _parts.Take(_count).SelectMany(p => p!).ToList();
            Array.Clear(_parts);
            // The same round again (a duplicate part) starts a new collection that never completes: harmless.
            return whole;
        }
    }
}
