using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;
using X86Pclmulqdq = System.Runtime.Intrinsics.X86.Pclmulqdq;
using X86Sse2 = System.Runtime.Intrinsics.X86.Sse2;
using X86Ssse3 = System.Runtime.Intrinsics.X86.Ssse3;

namespace BridgeRelay.Crypto;

/// <summary>
/// AES-128-GCM (NIST SP 800-38D) with a 12-byte nonce and a 16-byte tag, in place, on AES-NI and PCLMULQDQ: no call
/// into OpenSSL per packet (whose per-call setup cost more than the cipher itself with thousands of receivers), a
/// state of 11 round keys and 4 hash-key powers per key, and a failed tag answered with false, not an exception.
/// GHASH works on byte-reflected blocks (Intel's carry-less multiplication white paper) and folds four blocks into
/// one reduction. Used where <see cref="IsSupported"/>; <see cref="Aes128Gcm"/> falls back to <see cref="AesGcm"/>.
/// </summary>
internal sealed class AesGcmIntrinsics : IDisposable
{
    /// <summary>Nonce length in bytes.</summary>
    public const int NonceSize = 12;

    /// <summary>Tag length in bytes.</summary>
    public const int TagSize = 16;

    private const int BlockSize = 16;

    private readonly Vector128<byte>[] _roundKeys;
    // H, H^2, H^3, H^4, byte-reflected: four blocks are multiplied by them and reduced once.
    private readonly Vector128<byte>[] _hashKeys = new Vector128<byte>[4];

    /// <summary>Expands a 16-byte key and computes the hash-key powers.</summary>
    public AesGcmIntrinsics(ReadOnlySpan<byte> key)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("AES-NI and PCLMULQDQ are needed");
        }
        if (key.Length != 16)
        {
            throw new ArgumentException("AES-128 needs a 16-byte key.", nameof(key));
        }
        _roundKeys = AesCounterMode.ExpandKey(key);
        var h = Reflect(Encrypt(Vector128<byte>.Zero));
        _hashKeys[0] = h;
        for (var i = 1; i < 4; i++)
        {
            _hashKeys[i] = Multiply(_hashKeys[i - 1], h);
        }
    }

    /// <summary>True where AES-NI, PCLMULQDQ and SSSE3 are available.</summary>
    public static bool IsSupported => X86Aes.IsSupported && X86Pclmulqdq.IsSupported && X86Ssse3.IsSupported;

    private static Vector128<byte> ReflectMask => Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);

    /// <summary>Encrypts <paramref name="data"/> in place and writes the tag over <paramref name="aad"/> and the ciphertext.</summary>
    public void Encrypt(ReadOnlySpan<byte> nonce, Span<byte> data, Span<byte> tag, ReadOnlySpan<byte> aad)
    {
        Check(nonce, tag.Length);
        var counter = InitialCounter(nonce);
        ApplyKeystream(counter, data);
        Tag(counter, aad, data).CopyTo(tag);
    }

    /// <summary>
    /// Verifies the tag over <paramref name="aad"/> and the ciphertext, then decrypts <paramref name="data"/> in place;
    /// false (data untouched) when the tag does not match.
    /// </summary>
    public bool Decrypt(ReadOnlySpan<byte> nonce, Span<byte> data, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> aad)
    {
        Check(nonce, tag.Length);
        var counter = InitialCounter(nonce);
        Span<byte> expected = stackalloc byte[TagSize];
        Tag(counter, aad, data).CopyTo(expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, tag))
        {
            return false;
        }
        ApplyKeystream(counter, data);
        return true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Array.Clear(_roundKeys);
        Array.Clear(_hashKeys);
    }

    private static void Check(ReadOnlySpan<byte> nonce, int tagLength)
    {
        if (nonce.Length != NonceSize || tagLength != TagSize)
        {
            throw new ArgumentException("AES-GCM here takes a 12-byte nonce and a 16-byte tag.");
        }
    }

    // J0 = nonce || 0x00000001.
    private static Vector128<byte> InitialCounter(ReadOnlySpan<byte> nonce)
    {
        Span<byte> block = stackalloc byte[BlockSize];
        nonce.CopyTo(block);
        BinaryPrimitives.WriteUInt32BigEndian(block[NonceSize..], 1);
        return Vector128.Create((ReadOnlySpan<byte>)block);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> WithCounter(Vector128<byte> j0, uint counter) =>
        j0.AsUInt32().WithElement(3, BinaryPrimitives.ReverseEndianness(counter)).AsByte();

    private Vector128<byte> Encrypt(Vector128<byte> block)
    {
        var k = _roundKeys;
        return AesCounterMode.EncryptBlock(block, k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7], k[8], k[9], k[10]);
    }

    // CTR from inc32(J0): counters 2, 3, ...
    private void ApplyKeystream(Vector128<byte> j0, Span<byte> data)
    {
        var keys = _roundKeys;
        Vector128<byte> k0 = keys[0], k1 = keys[1], k2 = keys[2], k3 = keys[3], k4 = keys[4], k5 = keys[5];
        Vector128<byte> k6 = keys[6], k7 = keys[7], k8 = keys[8], k9 = keys[9], k10 = keys[10];
        ref var d = ref MemoryMarshal.GetReference(data);
        var length = data.Length;
        var offset = 0;
        var counter = 2u;
        for (; offset + (4 * BlockSize) <= length; offset += 4 * BlockSize, counter += 4)
        {
            var c0 = WithCounter(j0, counter) ^ k0;
            var c1 = WithCounter(j0, counter + 1) ^ k0;
            var c2 = WithCounter(j0, counter + 2) ^ k0;
            var c3 = WithCounter(j0, counter + 3) ^ k0;
            AesCounterMode.Round(ref c0, ref c1, ref c2, ref c3, k1);
            AesCounterMode.Round(ref c0, ref c1, ref c2, ref c3, k2);
            AesCounterMode.Round(ref c0, ref c1, ref c2, ref c3, k3);
            AesCounterMode.Round(ref c0, ref c1, ref c2, ref c3, k4);
            AesCounterMode.Round(ref c0, ref c1, ref c2, ref c3, k5);
            AesCounterMode.Round(ref c0, ref c1, ref c2, ref c3, k6);
            AesCounterMode.Round(ref c0, ref c1, ref c2, ref c3, k7);
            AesCounterMode.Round(ref c0, ref c1, ref c2, ref c3, k8);
            AesCounterMode.Round(ref c0, ref c1, ref c2, ref c3, k9);
            (Vector128.LoadUnsafe(ref d, (nuint)offset) ^ X86Aes.EncryptLast(c0, k10)).StoreUnsafe(ref d, (nuint)offset);
            (Vector128.LoadUnsafe(ref d, (nuint)(offset + 16)) ^ X86Aes.EncryptLast(c1, k10)).StoreUnsafe(ref d, (nuint)(offset + 16));
            (Vector128.LoadUnsafe(ref d, (nuint)(offset + 32)) ^ X86Aes.EncryptLast(c2, k10)).StoreUnsafe(ref d, (nuint)(offset + 32));
            (Vector128.LoadUnsafe(ref d, (nuint)(offset + 48)) ^ X86Aes.EncryptLast(c3, k10)).StoreUnsafe(ref d, (nuint)(offset + 48));
        }
        for (; offset + BlockSize <= length; offset += BlockSize, counter++)
        {
            var c = AesCounterMode.EncryptBlock(WithCounter(j0, counter), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10);
            (Vector128.LoadUnsafe(ref d, (nuint)offset) ^ c).StoreUnsafe(ref d, (nuint)offset);
        }
        if (offset < length)
        {
            Span<byte> last = stackalloc byte[BlockSize];
            AesCounterMode.EncryptBlock(WithCounter(j0, counter), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10).CopyTo(last);
            for (var i = offset; i < length; i++)
            {
                data[i] ^= last[i - offset];
            }
        }
    }

    // T = E(K, J0) XOR GHASH(H, A, C).
    private Vector128<byte> Tag(Vector128<byte> j0, ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertext)
    {
        var y = Vector128<byte>.Zero;
        y = Hash(y, aad);
        y = Hash(y, ciphertext);
        // The length block len(A) || len(C) in bits, big-endian; reflected, len(C) is the low half.
        var lengths = Vector128.Create((ulong)ciphertext.Length * 8, (ulong)aad.Length * 8).AsByte();
        y = Multiply(y ^ lengths, _hashKeys[0]);
        return Reflect(y) ^ Encrypt(j0);
    }

    // Folds whole blocks (the last one zero-padded) of data into the reflected GHASH state.
    private Vector128<byte> Hash(Vector128<byte> y, ReadOnlySpan<byte> data)
    {
        ref var d = ref MemoryMarshal.GetReference(data);
        var length = data.Length;
        var offset = 0;
        var h1 = _hashKeys[0];
        var h2 = _hashKeys[1];
        var h3 = _hashKeys[2];
        var h4 = _hashKeys[3];
        for (; offset + (4 * BlockSize) <= length; offset += 4 * BlockSize)
        {
            // (y ^ x0)·H^4 ^ x1·H^3 ^ x2·H^2 ^ x3·H, with one reduction.
            var x0 = Reflect(Vector128.LoadUnsafe(ref d, (nuint)offset)) ^ y;
            var x1 = Reflect(Vector128.LoadUnsafe(ref d, (nuint)(offset + 16)));
            var x2 = Reflect(Vector128.LoadUnsafe(ref d, (nuint)(offset + 32)));
            var x3 = Reflect(Vector128.LoadUnsafe(ref d, (nuint)(offset + 48)));
            var (low, high) = MultiplyUnreduced(x0, h4);
            Accumulate(ref low, ref high, x1, h3);
            Accumulate(ref low, ref high, x2, h2);
            Accumulate(ref low, ref high, x3, h1);
            y = Reduce(low, high);
        }
        for (; offset + BlockSize <= length; offset += BlockSize)
        {
            y = Multiply(y ^ Reflect(Vector128.LoadUnsafe(ref d, (nuint)offset)), h1);
        }
        if (offset < length)
        {
            Span<byte> last = stackalloc byte[BlockSize];
            last.Clear();
            data[offset..].CopyTo(last);
            y = Multiply(y ^ Reflect(Vector128.Create((ReadOnlySpan<byte>)last)), h1);
        }
        return y;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Reflect(Vector128<byte> block) => X86Ssse3.Shuffle(block, ReflectMask);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Multiply(Vector128<byte> a, Vector128<byte> b)
    {
        var (low, high) = MultiplyUnreduced(a, b);
        return Reduce(low, high);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(ref Vector128<ulong> low, ref Vector128<ulong> high, Vector128<byte> a, Vector128<byte> b)
    {
        var (l, h) = MultiplyUnreduced(a, b);
        low ^= l;
        high ^= h;
    }

    // The 256-bit carry-less product high:low of two 128-bit blocks (schoolbook, four PCLMULQDQ).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<ulong> Low, Vector128<ulong> High) MultiplyUnreduced(Vector128<byte> a, Vector128<byte> b)
    {
        var x = a.AsUInt64();
        var y = b.AsUInt64();
        var low = X86Pclmulqdq.CarrylessMultiply(x, y, 0x00);
        var middle = X86Pclmulqdq.CarrylessMultiply(x, y, 0x10) ^ X86Pclmulqdq.CarrylessMultiply(x, y, 0x01);
        var high = X86Pclmulqdq.CarrylessMultiply(x, y, 0x11);
        low ^= X86Sse2.ShiftLeftLogical128BitLane(middle, 8);
        high ^= X86Sse2.ShiftRightLogical128BitLane(middle, 8);
        return (low, high);
    }

    // Shifts high:low left by one bit (the operands are bit-reflected) and reduces modulo x^128 + x^7 + x^2 + x + 1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Reduce(Vector128<ulong> low64, Vector128<ulong> high64)
    {
        var low = low64.AsUInt32();
        var high = high64.AsUInt32();
        var carryLow = X86Sse2.ShiftRightLogical(low, 31);
        var carryHigh = X86Sse2.ShiftRightLogical(high, 31);
        low = X86Sse2.ShiftLeftLogical(low, 1);
        high = X86Sse2.ShiftLeftLogical(high, 1);
        var across = X86Sse2.ShiftRightLogical128BitLane(carryLow, 12);
        carryHigh = X86Sse2.ShiftLeftLogical128BitLane(carryHigh, 4);
        carryLow = X86Sse2.ShiftLeftLogical128BitLane(carryLow, 4);
        low |= carryLow;
        high |= carryHigh | across;

        var a = X86Sse2.ShiftLeftLogical(low, 31) ^ X86Sse2.ShiftLeftLogical(low, 30) ^ X86Sse2.ShiftLeftLogical(low, 25);
        var b = X86Sse2.ShiftRightLogical128BitLane(a, 4);
        low ^= X86Sse2.ShiftLeftLogical128BitLane(a, 12);
        var c = X86Sse2.ShiftRightLogical(low, 1) ^ X86Sse2.ShiftRightLogical(low, 2) ^ X86Sse2.ShiftRightLogical(low, 7) ^ b;
        low ^= c;
        return (high ^ low).AsByte();
    }
}
