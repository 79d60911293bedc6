namespace Bridge.Srtp;

/// <summary>
/// Sliding replay window over packet indexes (RFC 3711 3.3.2): remembers which of the last
/// <c>size</c> indexes below the highest accepted one were seen, in a ring of bits held in ulongs.
/// </summary>
internal sealed class SrtpReplayWindow
{
    private readonly ulong[] _bits;
    private readonly ulong _size;
    private readonly ulong _ringBits;

    /// <summary>Starts the window at the first authenticated index.</summary>
    public SrtpReplayWindow(int size, ulong firstIndex)
    {
        _size = (ulong)size;
        _bits = new ulong[(size + 63) / 64];
        _ringBits = (ulong)_bits.Length * 64;
        Top = firstIndex;
        Mark(firstIndex);
    }

    /// <summary>Highest index accepted so far: with its ROC and sequence number it is RFC 3711's s_l.</summary>
    public ulong Top { get; private set; }

    /// <summary>True if <paramref name="index"/> was already accepted or is too old to tell.</summary>
    public bool IsReplayed(ulong index)
    {
        if (index > Top)
        {
            return false;
        }

        ulong age = Top - index;
        return age >= _size || IsMarked(index);
    }

    /// <summary>Records an authenticated index, sliding the window forward if it is the new highest.</summary>
    public void Accept(ulong index)
    {
        if (index > Top)
        {
            ulong advance = index - Top;
            if (advance >= _ringBits)
            {
                Array.Clear(_bits);
            }
            else
            {
                // Indexes skipped by the jump reuse ring slots of indexes now outside the window.
                for (ulong i = Top + 1; i < index; i++)
                {
                    Unmark(i);
                }
            }

            Top = index;
        }

        Mark(index);
    }

    private bool IsMarked(ulong index)
    {
        ulong slot = index % _ringBits;
        return (_bits[(int)(slot >> 6)] & (1UL << (int)(slot & 63))) != 0;
    }

    private void Mark(ulong index)
    {
        ulong slot = index % _ringBits;
        _bits[(int)(slot >> 6)] |= 1UL << (int)(slot & 63);
    }

    private void Unmark(ulong index)
    {
        ulong slot = index % _ringBits;
        _bits[(int)(slot >> 6)] &= ~(1UL << (int)(slot & 63));
    }
}
