using Bridge.Stun;

namespace Bridge.Tests.Stun;

public class Crc32Tests
{
    [Fact]
    public void Matches_the_iso_hdlc_check_value()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        Assert.Equal(0u, Crc32.Compute(ReadOnlySpan<byte>.Empty));
        Assert.Equal(0x414FA339u, Crc32.Compute("The quick brown fox jumps over the lazy dog"u8));
    }

    [Fact]
    public void Fingerprint_of_the_rfc5769_request_matches()
    {
        byte[] request = Rfc5769Vectors.Request;
        Assert.Equal(0xe57a3bcfu, StunFormat.ComputeFingerprint(request.AsSpan(0, request.Length - 8)));
    }
}
