using System.Buffers.Binary;

namespace BridgeRelay.Link;

/// <summary>View over the entries of a <see cref="RelayControlType.SourceAnnounce"/>, read in place; every entry was validated by the reader.</summary>
public readonly ref struct RelaySourceAnnouncement
{
    private readonly ReadOnlySpan<byte> _entries;

    internal RelaySourceAnnouncement(ReadOnlySpan<byte> entries) => _entries = entries;

    /// <summary>Number of entries (0-256); 0 means nothing is available.</summary>
    public int Count => _entries.Length / RelaySourceEntry.Size;

    /// <summary>Entry <paramref name="index"/> (0 ≤ index &lt; Count).</summary>
    public RelaySourceEntry Get(int index) => Read(_entries.Slice(index * RelaySourceEntry.Size, RelaySourceEntry.Size));

    internal static RelaySourceEntry Read(ReadOnlySpan<byte> entry) => new(
        BinaryPrimitives.ReadUInt32BigEndian(entry),
        (RelaySourceKind)entry[4],
        entry[5],
        entry[6],
        BinaryPrimitives.ReadUInt32BigEndian(entry[7..]));

    internal static void Write(Span<byte> destination, RelaySourceEntry entry)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, entry.SourceId);
        destination[4] = (byte)entry.Kind;
        destination[5] = entry.Rank;
        destination[6] = entry.PayloadType;
        BinaryPrimitives.WriteUInt32BigEndian(destination[7..], entry.ClockRate);
    }
}
