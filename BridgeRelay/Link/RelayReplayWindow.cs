using System.Runtime.CompilerServices;

namespace BridgeRelay.Link;

/// <summary>
/// Sliding anti-replay window over the 64-bit link sequence: the highest accepted sequence and the 1023 before it.
/// A ring of 64-bit blocks cleared a whole block at a time as the window advances (RFC 6479 §2), so no bit shifting.
/// </summary>
internal struct RelayReplayWindow
{
    /// <summary>Number of sequences behind and including the highest that are still judged individually.</summary>
    public const int Size = 1024;

    private const int Blocks = 32;

    private Bitmap _bitmap;

    /// <summary>Highest sequence accepted so far; 0 before the first.</summary>
    public ulong Highest { get; private set; }

    /// <summary>Accepts <paramref name="sequence"/> once and records it; false for 0, duplicates and anything older than the window.</summary>
    public bool TryAccept(ulong sequence)
    {
        if (sequence == 0)
        {
            return false;
        }

        ulong block = sequence >> 6;
        ulong bit = 1UL << (int)(sequence & 63);
        if (sequence > Highest)
        {
            // Blocks strictly after the highest one are stale from a lap ago: clear them before use (RFC 6479 §2.3).
            ulong highestBlock = Highest >> 6;
            ulong toClear = Math.Min(block - highestBlock, Blocks);
            for (ulong i = 1; i <= toClear; i++)
            {
                _bitmap[(int)((highestBlock + i) % Blocks)] = 0;
            }

            Highest = sequence;
            _bitmap[(int)(block % Blocks)] |= bit;
            return true;
        }

        if (Highest - sequence >= Size)
        {
            return false;
        }

        ref ulong slot = ref _bitmap[(int)(block % Blocks)];
        if ((slot & bit) != 0)
        {
            return false;
        }

        slot |= bit;
        return true;
    }

    [InlineArray(Blocks)]
    private struct Bitmap
    {
        private ulong _element;
    }
}
