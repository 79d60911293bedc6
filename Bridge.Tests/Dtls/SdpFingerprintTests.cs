using Bridge.Dtls;

namespace Bridge.Tests.Dtls;

public class SdpFingerprintTests
{
    private const string Good =
        "sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3E:4E:0E:6D:5C:2B:3D:6C:E2:13:35:8B";

    private static readonly byte[] GoodHash = Convert.FromHexString(
        "4AADB9B13F82183B540212DF3E5D496B19E57CAB3E4E0E6D5C2B3D6CE213358B");

    [Theory]
    [InlineData(Good)]
    [InlineData("SHA-256 4a:ad:b9:b1:3f:82:18:3b:54:02:12:df:3e:5d:49:6b:19:e5:7c:ab:3e:4e:0e:6d:5c:2b:3d:6c:e2:13:35:8b")]
    [InlineData("  sha-256 \t 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3E:4E:0E:6D:5C:2B:3D:6C:E2:13:35:8B \r\n")]
    public void Good_sha256_values_parse_case_and_whitespace_insensitively(string value)
    {
        Assert.True(DtlsCertificate.TryParseSdpFingerprint(value, out string algorithm, out byte[] hash));
        Assert.Equal("sha-256", algorithm);
        Assert.Equal(GoodHash, hash);
    }

    [Fact]
    public void Sha384_and_sha512_parse_with_their_lengths()
    {
        string sha384 = "sha-384 " + string.Join(':', Enumerable.Range(0, 48).Select(i => i.ToString("X2", null)));
        string sha512 = "sha-512 " + string.Join(':', Enumerable.Range(0, 64).Select(i => i.ToString("X2", null)));

        Assert.True(DtlsCertificate.TryParseSdpFingerprint(sha384, out string a384, out byte[] h384));
        Assert.True(DtlsCertificate.TryParseSdpFingerprint(sha512, out string a512, out byte[] h512));
        Assert.Equal(("sha-384", 48, (byte)47), (a384, h384.Length, h384[47]));
        Assert.Equal(("sha-512", 64, (byte)63), (a512, h512.Length, h512[63]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("sha-256")]
    [InlineData("sha-256 ")]
    [InlineData("4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3E:4E:0E:6D:5C:2B:3D:6C:E2:13:35:8B")]
    [InlineData("md5 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B")]
    [InlineData("sha-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB")]
    [InlineData("sha-256 4A:AD")]
    [InlineData("sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3E:4E:0E:6D:5C:2B:3D:6C:E2:13:35:8B:00")]
    [InlineData("sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3E:4E:0E:6D:5C:2B:3D:6C:E2:13:35:8B:")]
    [InlineData("sha-256 4A-AD-B9-B1-3F-82-18-3B-54-02-12-DF-3E-5D-49-6B-19-E5-7C-AB-3E-4E-0E-6D-5C-2B-3D-6C-E2-13-35-8B")]
    [InlineData("sha-256 4AADB9B13F82183B540212DF3E5D496B19E57CAB3E4E0E6D5C2B3D6CE213358B")]
    [InlineData("sha-256 4G:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3E:4E:0E:6D:5C:2B:3D:6C:E2:13:35:8B")]
    [InlineData("sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3E:4E:0E:6D:5C:2B:3D:6C:E2:13:35 8B")]
    [InlineData("sha256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3E:4E:0E:6D:5C:2B:3D:6C:E2:13:35:8B")]
    public void Bad_values_are_refused_with_empty_outputs(string? value)
    {
        Assert.False(DtlsCertificate.TryParseSdpFingerprint(value!, out string algorithm, out byte[] hash));
        Assert.Equal(string.Empty, algorithm);
        Assert.Empty(hash);
    }

    [Fact]
    public void Every_truncation_of_a_good_value_is_refused()
    {
        for (int length = 0; length < Good.Length; length++)
        {
            Assert.False(DtlsCertificate.TryParseSdpFingerprint(Good[..length], out _, out _), Good[..length]);
        }
    }

    [Fact]
    public void Random_strings_and_character_flips_never_throw()
    {
        var random = new Random(8122);
        const string Alphabet = "sha-256 0123456789ABCDEFabcdef:\t\u00e9\0";
        for (int i = 0; i < 5000; i++)
        {
            char[] text = new char[random.Next(0, 120)];
            for (int j = 0; j < text.Length; j++)
            {
                text[j] = Alphabet[random.Next(Alphabet.Length)];
            }

            if (DtlsCertificate.TryParseSdpFingerprint(new string(text), out string algorithm, out byte[] hash))
            {
                Assert.Equal(("sha-256", 32), (algorithm, hash.Length));
            }
        }

        for (int position = 8; position < Good.Length; position++)
        {
            char[] flipped = Good.ToCharArray();
            flipped[position] = flipped[position] == ':' ? 'A' : ':';
            Assert.False(DtlsCertificate.TryParseSdpFingerprint(new string(flipped), out _, out _));
        }
    }
}
