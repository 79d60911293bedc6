using Bridge.Srtp;
using static Bridge.Tests.Srtp.SrtpTestData;

namespace Bridge.Tests.Srtp;

/// <summary>Whole packets against published vectors: libsrtp's srtp_driver and RFC 7714 sections 16 and 17.</summary>
public class SrtpKnownAnswerTests
{
    // libsrtp test/srtp_driver.c srtp_validate(): master key and salt in, so KDF, AES-CM and HMAC are all covered.
    private static readonly byte[] CmMasterKey = Hex("e1f97a0d3e018be0d64fa32c06de4139");
    private static readonly byte[] CmMasterSalt = Hex("0ec675ad498afeebb6960b3aabe6");
    private static readonly byte[] LibsrtpRtp = Hex("800f1234decafbadcafebabe abababababababababababababababab");
    private static readonly byte[] LibsrtpRtcp = Hex("81c8000bcafebabe abababababababababababababababab");
    private static readonly byte[] CmProtectedRtp = Hex("800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb");
    private static readonly byte[] CmProtectedRtcp = Hex("81c8000bcafebabe 7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798");

    // libsrtp srtp_validate_gcm(): AEAD_AES_128_GCM from a master key and 12-byte master salt (RFC 7714 11 KDF).
    private static readonly byte[] GcmMasterKey = Hex("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] GcmMasterSalt = Hex("a0a1a2a3a4a5a6a7a8a9aaab");
    private static readonly byte[] GcmProtectedRtp = Hex("800f1234decafbadcafebabe c5002ede04cfdd2eb91159e0880aa06ed2976826f796b201df3131a127e8a392");
    private static readonly byte[] GcmProtectedRtcp = Hex("81c8000bcafebabe c98b8b5df0392a55852b6c21ac8e7025c52c6fbea2b3b446ea31123ba88ce61e 80000001");

    // RFC 7714 16 and 17: session key and salt given directly, the same for SRTP and SRTCP.
    private static readonly byte[] Rfc7714Key = Hex("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] Rfc7714Salt = Hex("517569642070726f2071756f");
    private static readonly byte[] Rfc7714Rtp = Hex(
        "8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976 69736120 696e2070 61727465 73207472 6573");
    private static readonly byte[] Rfc7714ProtectedRtp = Hex(
        "8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5 0d294e6f 42a5f47a 51c7d19b 36de3adf 8833899d 7f27beb1 6a9152cf 765ee439 0cce");
    private static readonly byte[] Rfc7714Rtcp = Hex(
        "81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef");
    private static readonly byte[] Rfc7714ProtectedRtcp = Hex(
        "81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d c676a5f1 730d6fda 4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872 45d9eade 800005d4");
    private static readonly byte[] Rfc7714AuthenticatedOnlyRtcp = Hex(
        "81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef 841dd968 3dd78ec9 2ae58790 125f62b3 000005d4");

    private const uint Rfc7714RtcpIndex = 0x5d4;

    [Fact]
    public void AES_CM_RTP_packet_matches_libsrtp()
    {
        using var sender = new SrtpContext(SrtpProfile.AesCm128HmacSha1Tag80, CmMasterKey, CmMasterSalt);
        Assert.Equal(CmProtectedRtp, ProtectRtp(sender, LibsrtpRtp));

        using var receiver = new SrtpContext(SrtpProfile.AesCm128HmacSha1Tag80, CmMasterKey, CmMasterSalt);
        var (error, plain) = UnprotectRtp(receiver, CmProtectedRtp);
        Assert.Equal(SrtpError.None, error);
        Assert.Equal(LibsrtpRtp, plain);
    }

    [Fact]
    public void AES_CM_SRTCP_packet_matches_libsrtp()
    {
        using var sender = new SrtpContext(SrtpProfile.AesCm128HmacSha1Tag80, CmMasterKey, CmMasterSalt);
        // libsrtp numbers its first SRTCP packet 1; ours starts at 0 (RFC 3711 3.4), so send one first.
        ProtectRtcp(sender, LibsrtpRtcp);
        Assert.Equal(CmProtectedRtcp, ProtectRtcp(sender, LibsrtpRtcp));

        using var receiver = new SrtpContext(SrtpProfile.AesCm128HmacSha1Tag80, CmMasterKey, CmMasterSalt);
        var (error, plain) = UnprotectRtcp(receiver, CmProtectedRtcp);
        Assert.Equal(SrtpError.None, error);
        Assert.Equal(LibsrtpRtcp, plain);
    }

    [Fact]
    public void GCM_RTP_and_SRTCP_packets_from_a_master_key_match_libsrtp()
    {
        using var sender = new SrtpContext(SrtpProfile.AeadAes128Gcm, GcmMasterKey, GcmMasterSalt);
        Assert.Equal(GcmProtectedRtp, ProtectRtp(sender, LibsrtpRtp));
        ProtectRtcp(sender, LibsrtpRtcp);
        Assert.Equal(GcmProtectedRtcp, ProtectRtcp(sender, LibsrtpRtcp));

        using var receiver = new SrtpContext(SrtpProfile.AeadAes128Gcm, GcmMasterKey, GcmMasterSalt);
        var (rtpError, rtp) = UnprotectRtp(receiver, GcmProtectedRtp);
        Assert.Equal(SrtpError.None, rtpError);
        Assert.Equal(LibsrtpRtp, rtp);
        var (rtcpError, rtcp) = UnprotectRtcp(receiver, GcmProtectedRtcp);
        Assert.Equal(SrtpError.None, rtcpError);
        Assert.Equal(LibsrtpRtcp, rtcp);
    }

    [Fact]
    public void RFC_7714_16_1_RTP_encryption()
    {
        using var sender = Rfc7714Context();
        Assert.Equal(Rfc7714ProtectedRtp, ProtectRtp(sender, Rfc7714Rtp));
    }

    [Fact]
    public void RFC_7714_16_1_RTP_decryption()
    {
        using var receiver = Rfc7714Context();
        var (error, plain) = UnprotectRtp(receiver, Rfc7714ProtectedRtp);
        Assert.Equal(SrtpError.None, error);
        Assert.Equal(Rfc7714Rtp, plain);
    }

    [Fact]
    public void RFC_7714_17_1_SRTCP_encryption_at_index_0x5d4()
    {
        using var sender = Rfc7714Context();
        for (int i = 0; i < Rfc7714RtcpIndex; i++)
        {
            ProtectRtcp(sender, Rfc7714Rtcp);
        }

        Assert.Equal(Rfc7714ProtectedRtcp, ProtectRtcp(sender, Rfc7714Rtcp));
    }

    [Fact]
    public void RFC_7714_17_1_SRTCP_decryption()
    {
        using var receiver = Rfc7714Context();
        var (error, plain) = UnprotectRtcp(receiver, Rfc7714ProtectedRtcp);
        Assert.Equal(SrtpError.None, error);
        Assert.Equal(Rfc7714Rtcp, plain);
    }

    [Fact]
    public void RFC_7714_17_3_authenticated_only_SRTCP_verifies_and_a_changed_byte_fails()
    {
        using var receiver = Rfc7714Context();
        var tampered = (byte[])Rfc7714AuthenticatedOnlyRtcp.Clone();
        tampered[20] ^= 0x01;
        Assert.Equal(SrtpError.AuthenticationFailed, UnprotectRtcp(receiver, tampered).Error);

        var (error, plain) = UnprotectRtcp(receiver, Rfc7714AuthenticatedOnlyRtcp);
        Assert.Equal(SrtpError.None, error);
        Assert.Equal(Rfc7714Rtcp, plain);
    }

    private static SrtpContext Rfc7714Context() =>
        new(new AesGcmTransform(Rfc7714Key, Rfc7714Salt, Rfc7714Key, Rfc7714Salt));
}
