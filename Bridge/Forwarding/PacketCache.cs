namespace Bridge.Forwarding;

/// <summary>
/// Ring of the latest plain RTP packets of one source, indexed by sequence number, to answer NACKs
/// without asking the publisher. Preallocated: storing and reading allocate nothing. Written by the loop that
/// forwards the source only; any loop may copy out (a per-entry version, odd while it changes: a copy torn by a
/// concurrent overwrite is detected and reported as a miss).
/// </summary>
public sealed class PacketCache
{
    /// <summary>Largest packet kept; larger ones are not cached.</summary>
    public const int MaxPacketLength = 1500;

    private readonly byte[] _data;
    private readonly int[] _lengths;
    private readonly int[] _sequences;
    private readonly int[] _versions;
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
        _versions = new int[capacity];
        Array.Fill(_sequences, -1);
        _mask = capacity - 1;
    }

    /// <summary>Number of packets the cache holds at most.</summary>
    public int Capacity => _mask + 1;

    /// <summary>Keeps a copy of a plain RTP packet under its sequence number (the source's forwarding loop only).</summary>
    public void Store(ReadOnlySpan<byte> packet, ushort sequence)
    {
        if (packet.Length > MaxPacketLength)
        {
            return;
        }
        var index = sequence & _mask;
        // Odd while the entry changes (a full fence), even again after: a reader whose copy overlapped sees it.
        var version = Interlocked.Increment(ref _versions[index]);
        packet.CopyTo(_data.AsSpan(index * MaxPacketLength, MaxPacketLength));
        _lengths[index] = packet.Length;
        _sequences[index] = sequence;
        Volatile.Write(ref _versions[index], version + 1);
    }

    /// <summary>
    /// Copies the cached packet with this sequence number into <paramref name="destination"/> (at least
    /// <see cref="MaxPacketLength"/> bytes) and returns its length, or -1 when it was overwritten, never seen, or
    /// overwritten while being copied. Any thread.
    /// </summary>
    public int TryCopy(ushort sequence, Span<byte> destination)
    {
        var index = sequence & _mask;
        var version = Volatile.Read(ref _versions[index]);
        if ((version & 1) != 0 || Volatile.Read(ref _sequences[index]) != sequence)
        {
            return -1;
        }
        var length = Volatile.Read(ref _lengths[index]);
        if ((uint)length > (uint)destination.Length)
        {
            return -1;
        }
        _data.AsSpan(index * MaxPacketLength, length).CopyTo(destination);
        Interlocked.MemoryBarrier();
        return Volatile.Read(ref _versions[index]) == version ? length : -1;
    }
}
