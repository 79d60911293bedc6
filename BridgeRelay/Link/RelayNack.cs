using System.Buffers.Binary;

namespace BridgeRelay.Link;

/// <summary>View over a <see cref="RelayControlType.Nack"/>: one source and its lost RTP sequence numbers, read in place.</summary>
public readonly ref struct RelayNack
{
    private readonly ReadOnlySpan<byte> _sequenceNumbers;

    internal RelayNack(uint sourceId, ReadOnlySpan<byte> sequenceNumbers)
    {
        SourceId = sourceId;
        _sequenceNumbers = sequenceNumbers;
    }

    /// <summary>SSRC whose packets are missing.</summary>
    public uint SourceId { get; }

    /// <summary>Number of sequence numbers (1-256).</summary>
    public int Count => _sequenceNumbers.Length / sizeof(ushort);

    /// <summary>Sequence number <paramref name="index"/> (0 ≤ index &lt; Count).</summary>
    public ushort Get(int index) => BinaryPrimitives.ReadUInt16BigEndian(_sequenceNumbers.Slice(index * sizeof(ushort), sizeof(ushort)));
}
