using Bridge.Srtp;
using static Bridge.Tests.Srtp.SrtpTestData;

namespace Bridge.Tests.Srtp;

/// <summary>Steady-state protect/unprotect must not allocate (a correctness guard, not a timing test).</summary>
public class SrtpAllocationTests
{
    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void Round_trips_allocate_nothing_after_warm_up(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            byte[] rtpTemplate = RtpBytes(0, payloadLength: 1100, csrcs: 1, extensionWords: 2);
            byte[] rtcpTemplate = Rtcp(bodyLength: 60);
            var buffer = new byte[rtpTemplate.Length + SrtpProfiles.MaxOverhead];

            void RoundTrip(int n)
            {
                rtpTemplate.CopyTo(buffer, 0);
                buffer[2] = (byte)(n >> 8);
                buffer[3] = (byte)n;
                sender.TryProtectRtp(buffer, rtpTemplate.Length, out int length);
                receiver.UnprotectRtp(buffer.AsSpan(0, length), out _);

                rtcpTemplate.CopyTo(buffer, 0);
                sender.TryProtectRtcp(buffer, rtcpTemplate.Length, out length);
                receiver.UnprotectRtcp(buffer.AsSpan(0, length), out _);
            }

            for (int n = 0; n < 200; n++)
            {
                RoundTrip(n);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int n = 200; n < 1200; n++)
            {
                RoundTrip(n);
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            // The loop did real work: the receiver is in step and the next packet comes back intact.
            RoundTrip(1200);
            rtpTemplate.CopyTo(buffer, 0);
            buffer[2] = 1201 >> 8;
            buffer[3] = 1201 & 0xFF;
            byte[] expected = buffer[..rtpTemplate.Length];
            Assert.True(sender.TryProtectRtp(buffer, rtpTemplate.Length, out int last));
            Assert.Equal(SrtpError.None, receiver.UnprotectRtp(buffer.AsSpan(0, last), out int plain));
            Assert.Equal(expected, buffer[..plain]);
            Assert.Equal(0, allocated);
        }
    }
}
