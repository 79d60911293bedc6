using System.Security.Cryptography;
using BridgeRelay.Crypto;

namespace Bridge.Tests.Crypto;

/// <summary>The AES-NI/PCLMULQDQ GCM against the platform's (OpenSSL) AesGcm, byte for byte, and both paths of <see cref="Aes128Gcm"/>.</summary>
public sealed class Aes128GcmTests
{
    [Fact]
    public void Ciphertext_and_tag_match_the_platform_for_every_length_and_aad_length()
    {
        Assert.True(AesGcmIntrinsics.IsSupported, "this machine has AES-NI and PCLMULQDQ (/proc/cpuinfo); the bridge uses them for GCM");
        var random = new Random(7714);
        var key = new byte[16];
        var nonce = new byte[12];
        foreach (var aadLength in (int[])[0, 1, 12, 16, 17, 20, 40, 64, 65])
        {
            for (var length = 0; length <= 1500; length += length < 200 ? 1 : 97)
            {
                random.NextBytes(key);
                random.NextBytes(nonce);
                var aad = new byte[aadLength];
                var plain = new byte[length];
                random.NextBytes(aad);
                random.NextBytes(plain);
                using var platform = new AesGcm(key, 16);
                var expected = new byte[length];
                var expectedTag = new byte[16];
                platform.Encrypt(nonce, plain, expected, expectedTag, aad);

                using var gcm = new AesGcmIntrinsics(key);
                var data = (byte[])plain.Clone();
                var tag = new byte[16];
                gcm.Encrypt(nonce, data, tag, aad);
                Assert.True(expected.AsSpan().SequenceEqual(data), $"ciphertext differs at length {length}, aad {aadLength}");
                Assert.True(expectedTag.AsSpan().SequenceEqual(tag), $"tag differs at length {length}, aad {aadLength}");

                Assert.True(gcm.Decrypt(nonce, data, tag, aad));
                Assert.True(plain.AsSpan().SequenceEqual(data));
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_changed_tag_ciphertext_aad_or_nonce_is_refused_with_false(bool useIntrinsics)
    {
        Assert.True(AesGcmIntrinsics.IsSupported, "this machine has AES-NI and PCLMULQDQ (/proc/cpuinfo); the bridge uses them for GCM");
        var key = RandomNumberGenerator.GetBytes(16);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var aad = RandomNumberGenerator.GetBytes(12);
        var data = RandomNumberGenerator.GetBytes(1200);
        using var gcm = new Aes128Gcm(key, useIntrinsics);
        Assert.Equal(useIntrinsics, gcm.UsesIntrinsics);
        var tag = new byte[16];
        gcm.Encrypt(nonce, data, tag, aad);
        var sealedData = (byte[])data.Clone();

        void Refused(byte[] n, byte[] d, byte[] t, byte[] a)
        {
            var copy = (byte[])d.Clone();
            Assert.False(gcm.Decrypt(n, copy, t, a));
            // The AES-NI path leaves a refused packet as it was (the platform's zeroes it).
            Assert.True(!useIntrinsics || d.AsSpan().SequenceEqual(copy), "a refused packet was modified");
        }
        Refused(nonce, sealedData, Flip(tag, 15), aad);
        Refused(nonce, Flip(sealedData, 600), tag, aad);
        Refused(nonce, sealedData, tag, Flip(aad, 0));
        Refused(Flip(nonce, 11), sealedData, tag, aad);
        Assert.True(gcm.Decrypt(nonce, sealedData, tag, aad));
        Assert.Equal(data.Length, sealedData.Length);
        Assert.ThrowsAny<ArgumentException>(() => gcm.Decrypt(new byte[8], sealedData, tag, aad));
        Assert.Throws<ArgumentException>(() => new Aes128Gcm(new byte[24], useIntrinsics));
        Assert.Throws<ArgumentException>(() => new AesGcmIntrinsics(new byte[24]));
    }

    [Fact]
    public void The_two_paths_open_each_others_packets()
    {
        var key = RandomNumberGenerator.GetBytes(16);
        using var fast = new Aes128Gcm(key);
        using var platform = new Aes128Gcm(key, useIntrinsics: false);
        Assert.True(fast.UsesIntrinsics);
        foreach (var (sealer, opener) in new[] { (fast, platform), (platform, fast) })
        {
            for (var length = 0; length <= 1400; length += 37)
            {
                var nonce = RandomNumberGenerator.GetBytes(12);
                var aad = RandomNumberGenerator.GetBytes(length % 40);
                var plain = RandomNumberGenerator.GetBytes(length);
                var data = (byte[])plain.Clone();
                var tag = new byte[16];
                sealer.Encrypt(nonce, data, tag, aad);
                Assert.True(opener.Decrypt(nonce, data, tag, aad), $"length {length}");
                Assert.Equal(plain, data);
            }
        }
    }

    private static byte[] Flip(byte[] source, int index)
    {
        var copy = (byte[])source.Clone();
        copy[index] ^= 0x01;
        return copy;
    }
}
