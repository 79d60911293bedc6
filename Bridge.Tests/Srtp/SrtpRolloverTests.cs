using Bridge.Srtp;
using static Bridge.Tests.Srtp.SrtpTestData;

namespace Bridge.Tests.Srtp;

/// <summary>Rollover counter handling (RFC 3711 3.3.1, Appendix A) on the sending and receiving side.</summary>
public class SrtpRolloverTests
{
    [Theory]
    // (ROC, s_l) of the highest index, the arriving sequence number, the expected (ROC, SEQ) or null when invalid.
    [InlineData(0u, 100, 101, 0u)]
    [InlineData(0u, 100, 99, 0u)]
    [InlineData(0u, 100, 32868, 0u)]
    [InlineData(0u, 100, 32869, null)]
    [InlineData(0u, 100, 65000, null)]
    [InlineData(1u, 100, 65000, 0u)]
    [InlineData(1u, 5, 65535, 0u)]
    [InlineData(0u, 65000, 10, 1u)]
    [InlineData(0u, 40000, 7231, 1u)]
    [InlineData(0u, 40000, 7232, 0u)]
    [InlineData(5u, 32768, 0, 5u)]
    [InlineData(7u, 65535, 0, 8u)]
    [InlineData(0xFFFF_FFFFu, 65000, 5, null)]
    [InlineData(0xFFFF_FFFFu, 65000, 65001, 0xFFFF_FFFFu)]
    public void Index_estimate_follows_RFC_3711_appendix_A(uint roc, int highest, int seq, uint? expectedRoc)
    {
        bool ok = SrtpStream.TryEstimateIndex(((ulong)roc << 16) | (uint)highest, (ushort)seq, out ulong index);
        Assert.Equal(expectedRoc is not null, ok);
        if (expectedRoc is uint r)
        {
            Assert.Equal(((ulong)r << 16) | (uint)seq, index);
        }
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void Sender_increments_the_ROC_on_wrap_and_retransmits_old_packets_at_their_own_index(SrtpProfile profile)
    {
        using var sender = new SrtpContext(SessionTransform(profile));
        using var reference = SessionTransform(profile);

        byte[] Expected(ushort seq, uint roc) => ProtectAtIndex(reference, RtpBytes(seq), 12, ((ulong)roc << 16) | seq);

        Assert.Equal(Expected(65534, 0), ProtectRtp(sender, RtpBytes(65534)));
        Assert.Equal(Expected(65535, 0), ProtectRtp(sender, RtpBytes(65535)));
        Assert.Equal(Expected(0, 1), ProtectRtp(sender, RtpBytes(0)));
        Assert.Equal(Expected(1, 1), ProtectRtp(sender, RtpBytes(1)));

        // A retransmission from before the wrap keeps ROC 0 and must not pull the sender back.
        Assert.Equal(Expected(65535, 0), ProtectRtp(sender, RtpBytes(65535)));
        Assert.Equal(Expected(65534, 0), ProtectRtp(sender, RtpBytes(65534)));
        Assert.Equal(Expected(2, 1), ProtectRtp(sender, RtpBytes(2)));

        // Gaps of under half the sequence space still count as forward, also across the next wrap.
        Assert.Equal(Expected(30000, 1), ProtectRtp(sender, RtpBytes(30000)));
        Assert.Equal(Expected(60000, 1), ProtectRtp(sender, RtpBytes(60000)));
        Assert.Equal(Expected(20000, 2), ProtectRtp(sender, RtpBytes(20000)));
        Assert.Equal(Expected(60000, 1), ProtectRtp(sender, RtpBytes(60000)));
        Assert.Equal(Expected(20001, 2), ProtectRtp(sender, RtpBytes(20001)));
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void Receiver_follows_the_wrap_and_accepts_late_packets_from_before_it_once(SrtpProfile profile)
    {
        using var receiver = new SrtpContext(SessionTransform(profile));
        using var reference = SessionTransform(profile);

        SrtpError Receive(ushort seq, uint roc) =>
            UnprotectRtp(receiver, ProtectAtIndex(reference, RtpBytes(seq), 12, ((ulong)roc << 16) | seq)).Error;

        Assert.Equal(SrtpError.None, Receive(65533, 0));
        Assert.Equal(SrtpError.None, Receive(65534, 0));
        Assert.Equal(SrtpError.None, Receive(1, 1));
        Assert.Equal(SrtpError.None, Receive(0, 1));
        // Late from before the wrap: estimated at ROC 0, accepted once.
        Assert.Equal(SrtpError.None, Receive(65535, 0));
        Assert.Equal(SrtpError.Replayed, Receive(65535, 0));
        Assert.Equal(SrtpError.Replayed, Receive(0, 1));
        Assert.Equal(SrtpError.None, Receive(2, 1));

        // Had the sender used the wrong ROC, the receiver's estimate would not authenticate it.
        Assert.Equal(SrtpError.AuthenticationFailed, Receive(3, 0));
        Assert.Equal(SrtpError.AuthenticationFailed, Receive(3, 2));
        Assert.Equal(SrtpError.None, Receive(3, 1));
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void Sender_and_receiver_stay_in_step_over_two_full_wraps(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            var buffer = new byte[64];
            byte[] template = RtpBytes(0, payloadLength: 8);
            for (int n = 0; n < (2 * 65536) + 100; n++)
            {
                ushort seq = (ushort)(65000 + n);
                template.CopyTo(buffer, 0);
                buffer[2] = (byte)(seq >> 8);
                buffer[3] = (byte)seq;
                Assert.True(sender.TryProtectRtp(buffer, template.Length, out int length));
                Assert.Equal(SrtpError.None, receiver.UnprotectRtp(buffer.AsSpan(0, length), out int plain));
                Assert.Equal(template.Length, plain);
            }

            // Both sides now sit at ROC 2, sequence 65099: the sender re-protects it at the same index.
            Assert.Equal(SrtpError.Replayed, UnprotectRtp(receiver, ProtectRtp(sender, RtpBytes(65099, payloadLength: 8))).Error);
        }
    }
}
