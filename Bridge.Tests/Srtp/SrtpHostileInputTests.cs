using System.Buffers.Binary;
using Bridge.Srtp;
using static Bridge.Tests.Srtp.SrtpTestData;

namespace Bridge.Tests.Srtp;

/// <summary>Corrupted, truncated and random packets: always an error value, never an exception or a false accept.</summary>
public class SrtpHostileInputTests
{
    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void Every_single_bit_flip_of_an_SRTP_packet_fails(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] plain = RtpBytes(4242, payloadLength: 30, csrcs: 2, extensionWords: 1);
            byte[] wire = ProtectRtp(sender, plain);
            for (int bit = 0; bit < wire.Length * 8; bit++)
            {
                byte[] flipped = (byte[])wire.Clone();
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                SrtpError error = UnprotectRtp(receiver, flipped).Error;
                Assert.True(error is SrtpError.AuthenticationFailed or SrtpError.Malformed, $"bit {bit}: {error}");
            }

            // None of the failures touched the receiver's state.
            var (ok, back) = UnprotectRtp(receiver, wire);
            Assert.Equal(SrtpError.None, ok);
            Assert.Equal(plain, back);
        }
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void Every_single_bit_flip_of_an_SRTCP_packet_fails(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] plain = Rtcp(bodyLength: 20);
            byte[] wire = ProtectRtcp(sender, plain);
            for (int bit = 0; bit < wire.Length * 8; bit++)
            {
                byte[] flipped = (byte[])wire.Clone();
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                SrtpError error = UnprotectRtcp(receiver, flipped).Error;
                Assert.True(error is SrtpError.AuthenticationFailed or SrtpError.Malformed, $"bit {bit}: {error}");
            }

            var (ok, back) = UnprotectRtcp(receiver, wire);
            Assert.Equal(SrtpError.None, ok);
            Assert.Equal(plain, back);
        }
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void Truncation_at_every_length_is_an_error(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] rtp = ProtectRtp(sender, RtpBytes(9, payloadLength: 40, csrcs: 1, extensionWords: 2));
            byte[] rtcp = ProtectRtcp(sender, Rtcp(bodyLength: 40));
            int tag = SrtpProfiles.RtpOverhead(profile);
            for (int length = 0; length < rtp.Length; length++)
            {
                SrtpError error = UnprotectRtp(receiver, rtp[..length]).Error;
                Assert.NotEqual(SrtpError.None, error);
                if (length < 12 + tag)
                {
                    Assert.Equal(SrtpError.TooShort, error);
                }
            }

            for (int length = 0; length < rtcp.Length; length++)
            {
                SrtpError error = UnprotectRtcp(receiver, rtcp[..length]).Error;
                Assert.NotEqual(SrtpError.None, error);
                if (length < 8 + SrtpProfiles.RtcpOverhead(profile))
                {
                    Assert.Equal(SrtpError.TooShort, error);
                }
            }

            Assert.Equal(SrtpError.None, UnprotectRtp(receiver, rtp).Error);
            Assert.Equal(SrtpError.None, UnprotectRtcp(receiver, rtcp).Error);
        }
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void Random_bytes_are_rejected_without_exceptions(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            // Give the receiver a known SSRC so random packets also reach the ROC and window paths.
            const uint known = 0x11223344;
            Assert.Equal(SrtpError.None, UnprotectRtp(receiver, ProtectRtp(sender, RtpBytes(100, known))).Error);
            Assert.Equal(SrtpError.None, UnprotectRtcp(receiver, ProtectRtcp(sender, Rtcp(known))).Error);

            var random = new Random(1234);
            for (int i = 0; i < 20000; i++)
            {
                var packet = new byte[random.Next(0, 300)];
                random.NextBytes(packet);
                if (packet.Length >= 12 && i % 2 == 0)
                {
                    packet[0] = (byte)(0x80 | (packet[0] & 0x3F));
                    BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(i % 4 == 0 ? 8 : 4), known);
                }

                Assert.NotEqual(SrtpError.None, receiver.UnprotectRtp((byte[])packet.Clone(), out int rtpLength));
                Assert.Equal(0, rtpLength);
                Assert.NotEqual(SrtpError.None, receiver.UnprotectRtcp(packet, out int rtcpLength));
                Assert.Equal(0, rtcpLength);
            }
        }
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void Protect_refuses_bad_input_and_short_buffers(SrtpProfile profile)
    {
        var (sender, _) = Pair(profile);
        using (sender)
        {
            byte[] rtp = RtpBytes(1, payloadLength: 20, extensionWords: 1);
            int rtpRoom = rtp.Length + SrtpProfiles.RtpOverhead(profile);
            byte[] rtcp = Rtcp(bodyLength: 20);
            int rtcpRoom = rtcp.Length + SrtpProfiles.RtcpOverhead(profile);

            Assert.False(sender.TryProtectRtp(Padded(rtp, rtpRoom - 1), rtp.Length, out int length));
            Assert.Equal(0, length);
            Assert.False(sender.TryProtectRtp(Padded(rtp, rtpRoom), -1, out _));
            Assert.False(sender.TryProtectRtp(Padded(rtp, rtpRoom), rtpRoom + 1, out _));
            for (int cut = 0; cut < 12; cut++)
            {
                Assert.False(sender.TryProtectRtp(Padded(rtp, rtpRoom), cut, out _));
            }

            // Extension header cut off, extension length beyond the packet, RTP version 1.
            Assert.False(sender.TryProtectRtp(Padded(rtp, rtpRoom), 14, out _));
            byte[] longExtension = Padded(rtp, rtpRoom);
            longExtension[15] = 200;
            Assert.False(sender.TryProtectRtp(longExtension, rtp.Length, out _));
            byte[] version1 = Padded(rtp, rtpRoom);
            version1[0] = 0x40;
            Assert.False(sender.TryProtectRtp(version1, rtp.Length, out _));

            Assert.False(sender.TryProtectRtcp(Padded(rtcp, rtcpRoom - 1), rtcp.Length, out _));
            Assert.False(sender.TryProtectRtcp(Padded(rtcp, rtcpRoom), 7, out _));
            Assert.False(sender.TryProtectRtcp(Padded(rtcp, rtcpRoom), -5, out _));
            byte[] rtcpVersion0 = Padded(rtcp, rtcpRoom);
            rtcpVersion0[0] = 0x01;
            Assert.False(sender.TryProtectRtcp(rtcpVersion0, rtcp.Length, out _));

            // The exact room suffices.
            Assert.True(sender.TryProtectRtp(Padded(rtp, rtpRoom), rtp.Length, out length));
            Assert.Equal(rtpRoom, length);
            Assert.True(sender.TryProtectRtcp(Padded(rtcp, rtcpRoom), rtcp.Length, out length));
            Assert.Equal(rtcpRoom, length);
        }
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void Unprotect_reports_malformed_headers(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] wire = ProtectRtp(sender, RtpBytes(1, payloadLength: 0, csrcs: 1));
            wire[0] = (byte)((wire[0] & 0xF0) | 0x0F);
            Assert.Equal(SrtpError.Malformed, UnprotectRtp(receiver, wire).Error);
            wire[0] = 0x00;
            Assert.Equal(SrtpError.Malformed, UnprotectRtp(receiver, wire).Error);

            byte[] rtcp = ProtectRtcp(sender, Rtcp());
            rtcp[0] = 0xC1;
            Assert.Equal(SrtpError.Malformed, UnprotectRtcp(receiver, rtcp).Error);
        }
    }

    private static byte[] Padded(byte[] packet, int size)
    {
        var buffer = new byte[size];
        packet.AsSpan(0, Math.Min(packet.Length, size)).CopyTo(buffer);
        return buffer;
    }
}
