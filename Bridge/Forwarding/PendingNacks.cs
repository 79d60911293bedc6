using Bridge.Conferences;

namespace Bridge.Forwarding;

/// <summary>
/// NACKed packets of a relayed source that the local cache lacked and that were asked for one hop up:
/// when the retransmission arrives it goes straight to the receivers that asked, without waiting for
/// their next NACK. A small fixed ring: the oldest entry is overwritten. Receivers' loops add, the source's loop
/// takes: a lock, on the rare path of a cache miss only.
/// </summary>
public sealed class PendingNacks
{
    /// <summary>Waiters kept at most.</summary>
    public const int Capacity = 64;

    private readonly NackWaiter[] _waiters = new NackWaiter[Capacity];
    private readonly ushort[] _sequences = new ushort[Capacity];
    private readonly Lock _gate = new();
    private int _next;

    /// <summary>Remembers that a receiver waits for <paramref name="sequence"/> (source numbering).</summary>
    public void Add(Endpoint receiver, ReceiverSlot slot, ushort sequence)
    {
        lock (_gate)
        {
            _waiters[_next] = new NackWaiter(receiver, slot);
            _sequences[_next] = sequence;
            _next = (_next + 1) % Capacity;
        }
    }

    /// <summary>Moves every waiter for <paramref name="sequence"/> into <paramref name="destination"/>; returns how many.</summary>
    public int Take(ushort sequence, Span<NackWaiter> destination)
    {
        var count = 0;
        lock (_gate)
        {
            for (var i = 0; i < Capacity && count < destination.Length; i++)
            {
                if (_waiters[i].Receiver is not null && _sequences[i] == sequence)
                {
                    destination[count++] = _waiters[i];
                    _waiters[i] = default;
                }
            }
        }
        return count;
    }
}

/// <summary>A receiver, and the slot it NACKed on, waiting for a retransmission.</summary>
public readonly record struct NackWaiter(Endpoint Receiver, ReceiverSlot Slot);
