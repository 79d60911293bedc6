using Bridge.Srtp;
using static Bridge.Tests.Srtp.SrtpTestData;

namespace Bridge.Tests.Srtp;

/// <summary>Replay protection (RFC 3711 3.3.2) for SRTP and SRTCP, and the SSRC limit.</summary>
public class SrtpReplayTests
{
    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void A_repeated_packet_is_replayed(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] rtp = ProtectRtp(sender, RtpBytes(7));
            byte[] rtcp = ProtectRtcp(sender, Rtcp());
            Assert.Equal(SrtpError.None, UnprotectRtp(receiver, rtp).Error);
            Assert.Equal(SrtpError.Replayed, UnprotectRtp(receiver, rtp).Error);
            Assert.Equal(SrtpError.None, UnprotectRtcp(receiver, rtcp).Error);
            Assert.Equal(SrtpError.Replayed, UnprotectRtcp(receiver, rtcp).Error);
        }
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80, 1024)]
    [InlineData(SrtpProfile.AeadAes128Gcm, 1024)]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80, 64)]
    [InlineData(SrtpProfile.AeadAes128Gcm, 100)]
    public void RTP_window_edge_is_exact_and_reordering_inside_it_is_accepted_once(SrtpProfile profile, int window)
    {
        var (sender, receiver) = Pair(profile, replayWindow: window);
        using (sender)
        using (receiver)
        {
            const ushort top = 5000;
            var wire = new Dictionary<ushort, byte[]>();
            foreach (ushort seq in new[] { (ushort)(top - window - 1), (ushort)(top - window), (ushort)(top - window + 1), (ushort)(top - 1), top })
            {
                wire[seq] = ProtectRtp(sender, RtpBytes(seq));
            }

            Assert.Equal(SrtpError.None, UnprotectRtp(receiver, wire[top]).Error);
            Assert.Equal(SrtpError.Replayed, UnprotectRtp(receiver, wire[(ushort)(top - window)]).Error);
            Assert.Equal(SrtpError.Replayed, UnprotectRtp(receiver, wire[(ushort)(top - window - 1)]).Error);
            Assert.Equal(SrtpError.None, UnprotectRtp(receiver, wire[(ushort)(top - window + 1)]).Error);
            Assert.Equal(SrtpError.Replayed, UnprotectRtp(receiver, wire[(ushort)(top - window + 1)]).Error);
            Assert.Equal(SrtpError.None, UnprotectRtp(receiver, wire[top - 1]).Error);
            Assert.Equal(SrtpError.Replayed, UnprotectRtp(receiver, wire[top - 1]).Error);
        }
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void Slots_reused_after_the_window_slides_do_not_remember_old_packets(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            var wire = new byte[4000][];
            for (ushort seq = 0; seq < wire.Length; seq++)
            {
                wire[seq] = ProtectRtp(sender, RtpBytes(seq, payloadLength: 4));
            }

            // Every other packet, then the skipped ones late: each accepted exactly once.
            for (int seq = 0; seq < wire.Length; seq += 2)
            {
                Assert.Equal(SrtpError.None, UnprotectRtp(receiver, wire[seq]).Error);
                if (seq >= 100)
                {
                    Assert.Equal(SrtpError.None, UnprotectRtp(receiver, wire[seq - 99]).Error);
                    Assert.Equal(SrtpError.Replayed, UnprotectRtp(receiver, wire[seq - 99]).Error);
                }
            }

            // A jump longer than the window forgets everything behind it.
            byte[] far = ProtectRtp(sender, RtpBytes(9000, payloadLength: 4));
            Assert.Equal(SrtpError.None, UnprotectRtp(receiver, far).Error);
            Assert.Equal(SrtpError.Replayed, UnprotectRtp(receiver, wire[3999]).Error);
            Assert.Equal(SrtpError.None, UnprotectRtp(receiver, ProtectRtp(sender, RtpBytes(8990, payloadLength: 4))).Error);
        }
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void A_forged_packet_does_not_move_the_window_or_the_ROC(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] first = ProtectRtp(sender, RtpBytes(10));
            byte[] far = ProtectRtp(sender, RtpBytes(30000));
            byte[] next = ProtectRtp(sender, RtpBytes(11));
            Assert.Equal(SrtpError.None, UnprotectRtp(receiver, first).Error);

            byte[] forged = (byte[])far.Clone();
            forged[^1] ^= 0x80;
            Assert.Equal(SrtpError.AuthenticationFailed, UnprotectRtp(receiver, forged).Error);
            // Had the forgery been accepted, 11 would now be 29989 behind the top and replayed.
            Assert.Equal(SrtpError.None, UnprotectRtp(receiver, next).Error);
            Assert.Equal(SrtpError.None, UnprotectRtp(receiver, far).Error);

            byte[] rtcp0 = ProtectRtcp(sender, Rtcp());
            byte[] rtcp1 = ProtectRtcp(sender, Rtcp());
            byte[] forgedRtcp = (byte[])rtcp1.Clone();
            forgedRtcp[10] ^= 1;
            Assert.Equal(SrtpError.AuthenticationFailed, UnprotectRtcp(receiver, forgedRtcp).Error);
            Assert.Equal(SrtpError.None, UnprotectRtcp(receiver, rtcp1).Error);
            Assert.Equal(SrtpError.None, UnprotectRtcp(receiver, rtcp0).Error);
        }
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void SRTCP_window_edge_is_exact(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            var wire = new byte[1100][];
            for (int i = 0; i < wire.Length; i++)
            {
                wire[i] = ProtectRtcp(sender, Rtcp());
            }

            Assert.Equal(SrtpError.None, UnprotectRtcp(receiver, wire[1099]).Error);
            Assert.Equal(SrtpError.Replayed, UnprotectRtcp(receiver, wire[1099 - 1024]).Error);
            Assert.Equal(SrtpError.None, UnprotectRtcp(receiver, wire[1099 - 1023]).Error);
            Assert.Equal(SrtpError.Replayed, UnprotectRtcp(receiver, wire[1099 - 1023]).Error);
            Assert.Equal(SrtpError.None, UnprotectRtcp(receiver, wire[1098]).Error);
        }
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void SSRCs_beyond_the_limit_are_refused_and_known_ones_keep_working(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile, maxSsrcs: 3);
        using (sender)
        using (receiver)
        using (var unlimited = Pair(profile).Sender)
        {
            for (uint ssrc = 1; ssrc <= 3; ssrc++)
            {
                Assert.Equal(SrtpError.None, UnprotectRtp(receiver, ProtectRtp(sender, RtpBytes(1, ssrc))).Error);
            }

            var buffer = new byte[200];
            RtpBytes(2, ssrc: 4).CopyTo(buffer, 0);
            Assert.False(sender.TryProtectRtp(buffer, 112, out _));
            Rtcp(ssrc: 4).CopyTo(buffer, 0);
            Assert.False(sender.TryProtectRtcp(buffer, 32, out _));

            Assert.Equal(SrtpError.TooManySsrcs, UnprotectRtp(receiver, ProtectRtp(unlimited, RtpBytes(2, ssrc: 4))).Error);
            Assert.Equal(SrtpError.TooManySsrcs, UnprotectRtcp(receiver, ProtectRtcp(unlimited, Rtcp(ssrc: 4))).Error);
            Assert.Equal(SrtpError.None, UnprotectRtp(receiver, ProtectRtp(sender, RtpBytes(2, ssrc: 3))).Error);
            // RTCP from an SSRC already known through RTP needs no new slot.
            Assert.Equal(SrtpError.None, UnprotectRtcp(receiver, ProtectRtcp(sender, Rtcp(ssrc: 2))).Error);
        }
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void Forged_packets_with_new_SSRCs_do_not_use_up_the_table(SrtpProfile profile)
    {
        var (key, salt) = Master(profile);
        using var sender = new SrtpContext(profile, key, salt, maxSsrcs: 200);
        using var receiver = new SrtpContext(profile, key, salt, maxSsrcs: 2);
        for (uint ssrc = 100; ssrc < 200; ssrc++)
        {
            byte[] forged = ProtectRtp(sender, RtpBytes(1, ssrc));
            forged[^1] ^= 1;
            Assert.Equal(SrtpError.AuthenticationFailed, UnprotectRtp(receiver, forged).Error);
        }

        Assert.Equal(SrtpError.None, UnprotectRtp(receiver, ProtectRtp(sender, RtpBytes(1, ssrc: 7))).Error);
    }
}
