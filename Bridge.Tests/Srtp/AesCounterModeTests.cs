using Bridge.Srtp;
using BridgeRelay.Crypto;
using static Bridge.Tests.Srtp.SrtpTestData;

namespace Bridge.Tests.Srtp;

public class AesCounterModeTests
{
    // RFC 3711 B.2: session key, session salt, SSRC 0 and index 0, so IV = salt * 2^16.
    private static readonly byte[] Key = Hex("2B7E151628AED2A6ABF7158809CF4F3C");
    private static readonly byte[] Iv = Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Keystream_matches_RFC_3711_B2_at_the_start_and_at_the_counter_top(bool useIntrinsics)
    {
        using var aes = new AesCounterMode(Key, useIntrinsics);
        var keystream = new byte[0xFF02 * 16];
        aes.Apply(Iv, keystream);

        Assert.Equal(Hex("E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB 41E95B3BB0A2E8DD477901E4FCA894C0"), keystream[..48]);
        Assert.Equal(
            Hex("EC8CDF7398607CB0F2D21675EA9EA1E4 362B7C3C6773516318A077D7FC5073AE 6A2CC3787889374FBEB4C81B17BA6C44"),
            keystream[(0xFEFF * 16)..]);
    }

    [Fact]
    public void AES_NI_is_used_on_this_machine_when_available()
    {
        using var aes = new AesCounterMode(Key);
        Assert.Equal(System.Runtime.Intrinsics.X86.Aes.IsSupported, aes.UsesIntrinsics);
    }

    [Fact]
    public void Intrinsic_and_ECB_paths_agree_on_every_length_and_offset_counter()
    {
        using var fast = new AesCounterMode(Key, useIntrinsics: true);
        using var slow = new AesCounterMode(Key, useIntrinsics: false);
        var random = new Random(7);
        var iv = new byte[16];
        for (int length = 0; length <= 3000; length += length < 200 ? 1 : 97)
        {
            random.NextBytes(iv);
            iv[14] = 0;
            iv[15] = 0;
            var data = new byte[length];
            random.NextBytes(data);
            var a = (byte[])data.Clone();
            var b = (byte[])data.Clone();
            fast.Apply(iv, a);
            slow.Apply(iv, b);
            Assert.Equal(b, a);
            if (length > 0)
            {
                Assert.NotEqual(data, a);
            }

            // Counter mode is its own inverse.
            fast.Apply(iv, a);
            Assert.Equal(data, a);
        }
    }
}
