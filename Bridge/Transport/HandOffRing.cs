using System.Runtime.InteropServices;
using Bridge.Forwarding;

namespace Bridge.Transport;

/// <summary>
/// A bounded single-producer single-consumer ring from one media loop to another: fixed item structs and a
/// packet-sized data slot each, allocated once, so handing a packet over allocates nothing and takes no lock.
/// The producer fills <see cref="Reserve"/>'s slot and calls <see cref="Publish"/>; the consumer reads
/// <see cref="Peek"/>'s slot and calls <see cref="Release"/>.
/// </summary>
internal sealed class HandOffRing
{
    /// <summary>Items the ring holds; a full ring refuses (the producer counts a drop).</summary>
    public const int Capacity = 128;

    /// <summary>Bytes of packet a slot holds.</summary>
    public const int DataLength = PacketCache.MaxPacketLength;

    private readonly HandOffItem[] _items = new HandOffItem[Capacity];
    private readonly byte[] _data = GC.AllocateUninitializedArray<byte>(Capacity * DataLength);
    private Positions _positions;

    /// <summary>True when the consumer has something to read.</summary>
    public bool HasItems => Volatile.Read(ref _positions.Tail) != Volatile.Read(ref _positions.Head);

    /// <summary>The next free slot's index, or -1 when the ring is full. Producer only.</summary>
    public int Reserve()
    {
        var tail = _positions.Tail;
        return tail - Volatile.Read(ref _positions.Head) >= Capacity ? -1 : (int)(tail % Capacity);
    }

    /// <summary>Makes the reserved slot visible to the consumer. Producer only.</summary>
    public void Publish() => Volatile.Write(ref _positions.Tail, _positions.Tail + 1);

    /// <summary>The oldest unread slot's index, or -1 when empty. Consumer only.</summary>
    public int Peek()
    {
        var head = _positions.Head;
        return Volatile.Read(ref _positions.Tail) == head ? -1 : (int)(head % Capacity);
    }

    /// <summary>Frees the slot <see cref="Peek"/> returned (drops its references). Consumer only.</summary>
    public void Release()
    {
        _items[_positions.Head % Capacity] = default;
        Volatile.Write(ref _positions.Head, _positions.Head + 1);
    }

    /// <summary>The item of a slot.</summary>
    public ref HandOffItem Item(int index) => ref _items[index];

    /// <summary>The data of a slot.</summary>
    public Span<byte> Data(int index) => _data.AsSpan(index * DataLength, DataLength);

    // Head (consumer) and tail (producer) on their own cache lines, so the two loops do not bounce one line.
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct Positions
    {
        [FieldOffset(64)] public long Head;
        [FieldOffset(128)] public long Tail;
    }
}
