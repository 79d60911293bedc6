namespace Bridge.Forwarding;

/// <summary>
/// Ring of the latest plain RTP packets of one source, indexed by sequence number, to answer NACKs
/// without asking the publisher. Preallocated: storing and reading allocate nothing. Owned by the receive loop.
/// </summary>
public sealed class PacketCache
{
    /// <summary>Largest packet kept; larger ones are not cached.</summary>
    public const int MaxPacketLength = 1500;

    private readonly byte[] _data;
    private readonly int[] _lengths;
    private readonly int[] _sequences;
    private readonly int _mask;

    /// <summary>Creates a cache of <paramref name="capacity"/> packets (a power of two).</summary>
    public PacketCache(int capacity)
    {
        if (capacity <= 0 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must be a power of two");
        }
        _data = new byte[capacity * MaxPacketLength];
        _lengths = new int[capacity];
        _sequences = new int[capacity];
        Array.Fill(_sequences, -1);
        _mask = capacity - 1;
    }

    /// <summary>Number of packets the cache holds at most.</summary>
    public int Capacity => _mask + 1;

    /// <summary>Keeps a copy of a plain RTP packet under its sequence number.</summary>
    public void Store(ReadOnlySpan<byte> packet, ushort sequence)
    {
        if (packet.Length > MaxPacketLength)
        {
            return;
        }
        var index = sequence & _mask;
        packet.CopyTo(_data.AsSpan(index * MaxPacketLength, MaxPacketLength));
        _lengths[index] = packet.Length;
        _sequences[index] = sequence;
    }

    /// <summary>The cached packet with this sequence number, or false when it was overwritten or never seen.</summary>
    public bool TryGet(ushort sequence, out ReadOnlySpan<byte> packet)
    {
        var index = sequence & _mask;
        if (_sequences[index] != sequence)
        {
            packet = default;
            return false;
        }
        packet = _data.AsSpan(index * MaxPacketLength, _lengths[index]);
        return true;
    }
}
