using System.Buffers.Binary;
using Bridge.Srtp;
using static Bridge.Tests.Srtp.SrtpTestData;

namespace Bridge.Tests.Srtp;

public class SrtpRoundTripTests
{
    [Fact]
    public void Profile_sizes_match_the_RFCs()
    {
        Assert.Equal(16, SrtpProfiles.MasterKeyLength(SrtpProfile.AesCm128HmacSha1Tag80));
        Assert.Equal(16, SrtpProfiles.MasterKeyLength(SrtpProfile.AeadAes128Gcm));
        Assert.Equal(14, SrtpProfiles.MasterSaltLength(SrtpProfile.AesCm128HmacSha1Tag80));
        Assert.Equal(12, SrtpProfiles.MasterSaltLength(SrtpProfile.AeadAes128Gcm));
        Assert.Equal(10, SrtpProfiles.RtpOverhead(SrtpProfile.AesCm128HmacSha1Tag80));
        Assert.Equal(16, SrtpProfiles.RtpOverhead(SrtpProfile.AeadAes128Gcm));
        Assert.Equal(14, SrtpProfiles.RtcpOverhead(SrtpProfile.AesCm128HmacSha1Tag80));
        Assert.Equal(20, SrtpProfiles.RtcpOverhead(SrtpProfile.AeadAes128Gcm));
        Assert.True(Profiles.All(p => SrtpProfiles.RtcpOverhead(p) <= SrtpProfiles.MaxOverhead));
        Assert.Throws<ArgumentOutOfRangeException>(() => SrtpProfiles.MasterKeyLength((SrtpProfile)0x0002));
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void RTP_round_trips_with_CSRCs_and_header_extensions_and_keeps_the_header_clear(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            ushort seq = 1000;
            foreach (int csrcs in new[] { 0, 1, 15 })
            {
                foreach (int extensionWords in new[] { 0, 1, 3 })
                {
                    foreach (int payload in new[] { 0, 1, 15, 16, 17, 63, 64, 65, 1200 })
                    {
                        byte[] plain = RtpBytes(seq++, payloadLength: payload, csrcs: csrcs, extensionWords: extensionWords);
                        int header = plain.Length - payload;
                        byte[] wire = ProtectRtp(sender, plain);

                        Assert.Equal(plain[..header], wire[..header]);
                        if (payload >= 8)
                        {
                            Assert.NotEqual(plain[header..], wire[header..plain.Length]);
                        }

                        var (error, back) = UnprotectRtp(receiver, wire);
                        Assert.Equal(SrtpError.None, error);
                        Assert.Equal(plain, back);
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void RTCP_round_trips_encrypted_with_an_increasing_index(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            int indexFromEnd = profile == SrtpProfile.AeadAes128Gcm ? 4 : 14;
            for (int i = 0; i < 20; i++)
            {
                byte[] plain = Rtcp(bodyLength: 4 * i);
                byte[] wire = ProtectRtcp(sender, plain);

                Assert.Equal(plain[..8], wire[..8]);
                Assert.Equal(0x8000_0000u | (uint)i, BinaryPrimitives.ReadUInt32BigEndian(wire.AsSpan(wire.Length - indexFromEnd)));
                if (i >= 2)
                {
                    Assert.NotEqual(plain[8..], wire[8..plain.Length]);
                }

                var (error, back) = UnprotectRtcp(receiver, wire);
                Assert.Equal(SrtpError.None, error);
                Assert.Equal(plain, back);
            }
        }
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void Interleaved_SSRCs_keep_separate_state(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            for (ushort seq = 0; seq < 50; seq++)
            {
                foreach (uint ssrc in new uint[] { 1, 2, 0xFFFFFFFF })
                {
                    // The same sequence numbers on three SSRCs are three different packets, not replays.
                    byte[] plain = RtpBytes((ushort)(seq + 65500), ssrc, payloadLength: 40);
                    var (error, back) = UnprotectRtp(receiver, ProtectRtp(sender, plain));
                    Assert.Equal(SrtpError.None, error);
                    Assert.Equal(plain, back);

                    byte[] rtcp = Rtcp(ssrc);
                    var (rtcpError, rtcpBack) = UnprotectRtcp(receiver, ProtectRtcp(sender, rtcp));
                    Assert.Equal(SrtpError.None, rtcpError);
                    Assert.Equal(rtcp, rtcpBack);
                }
            }
        }
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void A_receiver_with_other_keys_rejects_everything(SrtpProfile profile)
    {
        var (key, salt) = Master(profile, seed: 1);
        var (otherKey, otherSalt) = Master(profile, seed: 2);
        using var sender = new SrtpContext(profile, key, salt);
        using var receiver = new SrtpContext(profile, otherKey, otherSalt);
        using var saltOnly = new SrtpContext(profile, key, otherSalt);

        byte[] rtp = ProtectRtp(sender, RtpBytes(1));
        byte[] rtcp = ProtectRtcp(sender, Rtcp());
        Assert.Equal(SrtpError.AuthenticationFailed, UnprotectRtp(receiver, rtp).Error);
        Assert.Equal(SrtpError.AuthenticationFailed, UnprotectRtcp(receiver, rtcp).Error);
        Assert.Equal(SrtpError.AuthenticationFailed, UnprotectRtp(saltOnly, rtp).Error);
        Assert.Equal(SrtpError.AuthenticationFailed, UnprotectRtcp(saltOnly, rtcp).Error);
    }

    [Fact]
    public void Profiles_do_not_understand_each_other()
    {
        var key = new byte[16];
        using var cm = new SrtpContext(SrtpProfile.AesCm128HmacSha1Tag80, key, new byte[14]);
        using var gcm = new SrtpContext(SrtpProfile.AeadAes128Gcm, key, new byte[12]);
        Assert.Equal(SrtpProfile.AesCm128HmacSha1Tag80, cm.Profile);
        Assert.Equal(SrtpProfile.AeadAes128Gcm, gcm.Profile);
        Assert.Equal(SrtpError.AuthenticationFailed, UnprotectRtp(gcm, ProtectRtp(cm, RtpBytes(5, payloadLength: 300))).Error);
        Assert.Equal(SrtpError.AuthenticationFailed, UnprotectRtp(cm, ProtectRtp(gcm, RtpBytes(5, payloadLength: 300))).Error);
    }

    [Fact]
    public void Constructor_rejects_wrong_key_material_and_settings()
    {
        Assert.Throws<ArgumentException>(() => new SrtpContext(SrtpProfile.AesCm128HmacSha1Tag80, new byte[15], new byte[14]));
        Assert.Throws<ArgumentException>(() => new SrtpContext(SrtpProfile.AesCm128HmacSha1Tag80, new byte[16], new byte[12]));
        Assert.Throws<ArgumentException>(() => new SrtpContext(SrtpProfile.AeadAes128Gcm, new byte[16], new byte[14]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SrtpContext((SrtpProfile)0x0002, new byte[16], new byte[14]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SrtpContext(SrtpProfile.AeadAes128Gcm, new byte[16], new byte[12], replayWindow: 32));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SrtpContext(SrtpProfile.AeadAes128Gcm, new byte[16], new byte[12], maxSsrcs: 0));
    }
}
