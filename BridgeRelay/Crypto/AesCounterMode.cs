using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;
using X86Sse2 = System.Runtime.Intrinsics.X86.Sse2;

namespace BridgeRelay.Crypto;

/// <summary>
/// AES-128 in SRTP counter mode (RFC 3711 4.1.1): XORs data with E(k, IV + i), where the 16-bit block
/// counter i occupies the last two octets of the IV. Uses AES-NI when present, else a reused ECB transform.
/// </summary>
internal sealed class AesCounterMode : IDisposable
{
    internal const int BlockSize = 16;

    /// <summary>The block counter is 16 bits wide, so one IV covers at most 2^16 blocks (RFC 3711 4.1.1).</summary>
    internal const int MaxLength = BlockSize << 16;

    // Counter blocks encrypted per ECB call on the fallback path; a full-size RTP packet fits in one call.
    private const int FallbackBlocks = 96;

    private readonly Vector128<byte>[]? _roundKeys;
    private readonly Aes? _aes;
    private readonly ICryptoTransform? _ecb;
    private readonly byte[]? _counters;
    private readonly byte[]? _keystream;

    /// <summary>Expands <paramref name="key"/> once; <paramref name="useIntrinsics"/> false forces the ECB path (tests).</summary>
    public AesCounterMode(ReadOnlySpan<byte> key, bool useIntrinsics = true)
    {
        if (key.Length != 16)
        {
            throw new ArgumentException("AES-128 needs a 16-byte key.", nameof(key));
        }

        if (useIntrinsics && X86Aes.IsSupported)
        {
            _roundKeys = ExpandKey(key);
            return;
        }

        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        // The array-based ICryptoTransform is used because Aes.EncryptEcb(span) allocates on every call.
        _ecb = _aes.CreateEncryptor();
        _counters = new byte[FallbackBlocks * BlockSize];
        _keystream = new byte[FallbackBlocks * BlockSize];
    }

    /// <summary>True when the AES-NI path is in use.</summary>
    public bool UsesIntrinsics => _roundKeys is not null;

    /// <summary>XORs <paramref name="data"/> in place with the keystream for <paramref name="iv"/> (16 bytes, low 16 bits zero).</summary>
    public void Apply(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        if (iv.Length != BlockSize || data.Length > MaxLength)
        {
            throw new ArgumentException("IV must be 16 bytes and data at most 2^16 blocks.");
        }

        if (_roundKeys is not null)
        {
            ApplyIntrinsics(_roundKeys, iv, data);
        }
        else
        {
            ApplyEcb(iv, data);
        }
    }

    public void Dispose()
    {
        if (_roundKeys is not null)
        {
            Array.Clear(_roundKeys);
        }

        _ecb?.Dispose();
        _aes?.Dispose();
        if (_keystream is not null)
        {
            CryptographicOperations.ZeroMemory(_keystream);
        }
    }

    private void ApplyEcb(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        byte[] counters = _counters!;
        byte[] keystream = _keystream!;
        int block = 0;
        for (int offset = 0; offset < data.Length; offset += counters.Length)
        {
            int chunk = Math.Min(counters.Length, data.Length - offset);
            int blocks = (chunk + BlockSize - 1) / BlockSize;
            for (int b = 0; b < blocks; b++, block++)
            {
                Span<byte> counter = counters.AsSpan(b * BlockSize, BlockSize);
                iv.CopyTo(counter);
                counter[14] ^= (byte)(block >> 8);
                counter[15] ^= (byte)block;
            }

            _ecb!.TransformBlock(counters, 0, blocks * BlockSize, keystream, 0);
            Xor(data.Slice(offset, chunk), keystream.AsSpan(0, chunk));
        }
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        int i = 0;
        for (; i + Vector128<byte>.Count <= data.Length; i += Vector128<byte>.Count)
        {
            ref byte d = ref MemoryMarshal.GetReference(data);
            Vector128<byte> x = Vector128.LoadUnsafe(ref d, (nuint)i) ^ Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(keystream), (nuint)i);
            x.StoreUnsafe(ref d, (nuint)i);
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= keystream[i];
        }
    }

    private static void ApplyIntrinsics(Vector128<byte>[] roundKeys, ReadOnlySpan<byte> iv, Span<byte> data)
    {
        // Round keys in locals so the JIT keeps them in registers across the loop.
        Vector128<byte> k0 = roundKeys[0], k1 = roundKeys[1], k2 = roundKeys[2], k3 = roundKeys[3];
        Vector128<byte> k4 = roundKeys[4], k5 = roundKeys[5], k6 = roundKeys[6], k7 = roundKeys[7];
        Vector128<byte> k8 = roundKeys[8], k9 = roundKeys[9], k10 = roundKeys[10];

        Vector128<ushort> counterBase = Vector128.Create(iv).AsUInt16();
        ushort top = counterBase.GetElement(7);
        ref byte d = ref MemoryMarshal.GetReference(data);
        int length = data.Length;
        int offset = 0;
        ushort block = 0;

        // Four independent blocks per iteration hide the AESENC latency.
        for (; offset + (4 * BlockSize) <= length; offset += 4 * BlockSize, block += 4)
        {
            Vector128<byte> c0 = Counter(counterBase, top, block) ^ k0;
            Vector128<byte> c1 = Counter(counterBase, top, (ushort)(block + 1)) ^ k0;
            Vector128<byte> c2 = Counter(counterBase, top, (ushort)(block + 2)) ^ k0;
            Vector128<byte> c3 = Counter(counterBase, top, (ushort)(block + 3)) ^ k0;
            Round(ref c0, ref c1, ref c2, ref c3, k1);
            Round(ref c0, ref c1, ref c2, ref c3, k2);
            Round(ref c0, ref c1, ref c2, ref c3, k3);
            Round(ref c0, ref c1, ref c2, ref c3, k4);
            Round(ref c0, ref c1, ref c2, ref c3, k5);
            Round(ref c0, ref c1, ref c2, ref c3, k6);
            Round(ref c0, ref c1, ref c2, ref c3, k7);
            Round(ref c0, ref c1, ref c2, ref c3, k8);
            Round(ref c0, ref c1, ref c2, ref c3, k9);
            c0 = X86Aes.EncryptLast(c0, k10);
            c1 = X86Aes.EncryptLast(c1, k10);
            c2 = X86Aes.EncryptLast(c2, k10);
            c3 = X86Aes.EncryptLast(c3, k10);
            (Vector128.LoadUnsafe(ref d, (nuint)offset) ^ c0).StoreUnsafe(ref d, (nuint)offset);
            (Vector128.LoadUnsafe(ref d, (nuint)(offset + 16)) ^ c1).StoreUnsafe(ref d, (nuint)(offset + 16));
            (Vector128.LoadUnsafe(ref d, (nuint)(offset + 32)) ^ c2).StoreUnsafe(ref d, (nuint)(offset + 32));
            (Vector128.LoadUnsafe(ref d, (nuint)(offset + 48)) ^ c3).StoreUnsafe(ref d, (nuint)(offset + 48));
        }

        for (; offset + BlockSize <= length; offset += BlockSize, block++)
        {
            Vector128<byte> c = EncryptBlock(Counter(counterBase, top, block), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10);
            (Vector128.LoadUnsafe(ref d, (nuint)offset) ^ c).StoreUnsafe(ref d, (nuint)offset);
        }

        if (offset < length)
        {
            Span<byte> last = stackalloc byte[BlockSize];
            EncryptBlock(Counter(counterBase, top, block), k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10).CopyTo(last);
            Xor(data[offset..], last);
        }
    }

    /// <summary>One AES-128 block encryption with expanded round keys (AES-NI).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<byte> EncryptBlock(
        Vector128<byte> c, Vector128<byte> k0, Vector128<byte> k1, Vector128<byte> k2, Vector128<byte> k3, Vector128<byte> k4,
        Vector128<byte> k5, Vector128<byte> k6, Vector128<byte> k7, Vector128<byte> k8, Vector128<byte> k9, Vector128<byte> k10)
    {
        c ^= k0;
        c = X86Aes.Encrypt(c, k1);
        c = X86Aes.Encrypt(c, k2);
        c = X86Aes.Encrypt(c, k3);
        c = X86Aes.Encrypt(c, k4);
        c = X86Aes.Encrypt(c, k5);
        c = X86Aes.Encrypt(c, k6);
        c = X86Aes.Encrypt(c, k7);
        c = X86Aes.Encrypt(c, k8);
        c = X86Aes.Encrypt(c, k9);
        return X86Aes.EncryptLast(c, k10);
    }

    /// <summary>The IV with the big-endian block counter XORed into its last two octets.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Counter(Vector128<ushort> counterBase, ushort top, ushort block) =>
        counterBase.WithElement(7, (ushort)(top ^ (ushort)((block >> 8) | (block << 8)))).AsByte();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Round(ref Vector128<byte> c0, ref Vector128<byte> c1, ref Vector128<byte> c2, ref Vector128<byte> c3, Vector128<byte> key)
    {
        c0 = X86Aes.Encrypt(c0, key);
        c1 = X86Aes.Encrypt(c1, key);
        c2 = X86Aes.Encrypt(c2, key);
        c3 = X86Aes.Encrypt(c3, key);
    }

    /// <summary>FIPS-197 5.2 AES-128 key expansion with AESKEYGENASSIST (round constants must be immediates).</summary>
    internal static Vector128<byte>[] ExpandKey(ReadOnlySpan<byte> key)
    {
        var keys = new Vector128<byte>[11];
        Vector128<byte> k = Vector128.Create(key);
        keys[0] = k;
        keys[1] = k = ExpandStep(k, X86Aes.KeygenAssist(k, 0x01));
        keys[2] = k = ExpandStep(k, X86Aes.KeygenAssist(k, 0x02));
        keys[3] = k = ExpandStep(k, X86Aes.KeygenAssist(k, 0x04));
        keys[4] = k = ExpandStep(k, X86Aes.KeygenAssist(k, 0x08));
        keys[5] = k = ExpandStep(k, X86Aes.KeygenAssist(k, 0x10));
        keys[6] = k = ExpandStep(k, X86Aes.KeygenAssist(k, 0x20));
        keys[7] = k = ExpandStep(k, X86Aes.KeygenAssist(k, 0x40));
        keys[8] = k = ExpandStep(k, X86Aes.KeygenAssist(k, 0x80));
        keys[9] = k = ExpandStep(k, X86Aes.KeygenAssist(k, 0x1b));
        keys[10] = ExpandStep(k, X86Aes.KeygenAssist(k, 0x36));
        return keys;
    }

    private static Vector128<byte> ExpandStep(Vector128<byte> key, Vector128<byte> assist)
    {
        // Broadcast RotWord(SubWord(w3)) ^ rcon, then fold the previous words in: w'i = wi ^ w'(i-1).
        Vector128<byte> t = X86Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();
        key ^= X86Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= X86Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= X86Sse2.ShiftLeftLogical128BitLane(key, 4);
        return key ^ t;
    }
}
