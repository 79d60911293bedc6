using System.Buffers.Binary;

namespace BridgeRelay.Link;

/// <summary>View over the source ids of a <see cref="RelayControlType.Subscribe"/>, read in place.</summary>
public readonly ref struct RelaySourceIdList
{
    private readonly ReadOnlySpan<byte> _ids;

    internal RelaySourceIdList(ReadOnlySpan<byte> ids) => _ids = ids;

    /// <summary>Number of source ids (0-256); 0 means nothing is wanted.</summary>
    public int Count => _ids.Length / sizeof(uint);

    /// <summary>Source id <paramref name="index"/> (0 ≤ index &lt; Count).</summary>
    public uint Get(int index) => BinaryPrimitives.ReadUInt32BigEndian(_ids.Slice(index * sizeof(uint), sizeof(uint)));
}
