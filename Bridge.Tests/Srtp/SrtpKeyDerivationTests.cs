using Bridge.Srtp;
using BridgeRelay.Crypto;
using static Bridge.Tests.Srtp.SrtpTestData;

namespace Bridge.Tests.Srtp;

public class SrtpKeyDerivationTests
{
    private static readonly byte[] MasterKey = Hex("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static readonly byte[] MasterSalt = Hex("0EC675AD498AFEEBB6960B3AABE6");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Session_keys_match_RFC_3711_B3(bool useIntrinsics)
    {
        using var prf = new AesCounterMode(MasterKey, useIntrinsics);
        var cipherKey = new byte[16];
        var salt = new byte[14];
        var authKey = new byte[96];
        SrtpKeyDerivation.Derive(prf, MasterSalt, SrtpKeyDerivation.RtpEncryption, cipherKey);
        SrtpKeyDerivation.Derive(prf, MasterSalt, SrtpKeyDerivation.RtpSalt, salt);
        SrtpKeyDerivation.Derive(prf, MasterSalt, SrtpKeyDerivation.RtpAuthentication, authKey);

        Assert.Equal(Hex("C61E7A93744F39EE10734AFE3FF7A087"), cipherKey);
        Assert.Equal(Hex("30CBBC08863D8C85D49DB34A9AE1"), salt);
        // B.3 lists a long run of auth keystream; HMAC-SHA1-80 uses the first 20 octets.
        Assert.Equal(
            Hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCEE049646C43D9327AD175578EF7227098"
                + "6371C10C9A369AC2F94A8C5FBCDDDC256D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2DC68"),
            authKey);
    }

    [Fact]
    public void SRTCP_labels_give_keys_different_from_SRTP()
    {
        using var prf = new AesCounterMode(MasterKey);
        var rtp = new byte[16];
        var rtcp = new byte[16];
        SrtpKeyDerivation.Derive(prf, MasterSalt, SrtpKeyDerivation.RtpEncryption, rtp);
        SrtpKeyDerivation.Derive(prf, MasterSalt, SrtpKeyDerivation.RtcpEncryption, rtcp);
        Assert.NotEqual(rtp, rtcp);
    }
}
