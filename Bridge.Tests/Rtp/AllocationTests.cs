using Bridge.Rtp;

namespace Bridge.Tests.Rtp;

public class AllocationTests
{
    private static long ParseEverything(byte[] rtpBytes, byte[] compound)
    {
        long sum = 0;
        if (RtpPacket.TryParse(rtpBytes, out RtpPacket rtp))
        {
            sum += rtp.Ssrc + rtp.SequenceNumber + rtp.Payload.Length;
            sum += rtp.TryGetAudioLevel(1, out _, out byte level) ? level : 0;
            sum += rtp.TryGetAbsSendTime(2, out uint abs) ? abs : 0;
            sum += rtp.TryGetTransportSequenceNumber(3, out ushort seq) ? seq : 0;
            sum += rtp.TryGetMid(4, out ReadOnlySpan<byte> mid) ? mid.Length : 0;
        }

        var reader = new RtcpCompoundReader(compound);
        Span<ushort> lost = stackalloc ushort[32];
        while (reader.TryReadNext(out RtcpPacket p))
        {
            if (SenderReport.TryParse(p, out SenderReport sr))
            {
                sum += sr.GetReport(0).Jitter + (long)(sr.NtpTimestamp >> 8);
            }
            else if (ReceiverReport.TryParse(p, out ReceiverReport rr))
            {
                sum += rr.GetReport(0).CumulativeLost;
            }
            else if (ReceiverEstimatedMaxBitrate.TryParse(p, out ReceiverEstimatedMaxBitrate remb))
            {
                sum += (long)remb.Bitrate;
            }
            else if (GenericNack.TryParse(p, out GenericNack nack))
            {
                sum += nack.CopyLostSequenceNumbers(lost);
                foreach (ushort s in nack)
                {
                    sum += s;
                }
            }
            else if (TransportWideFeedback.TryParse(p, out TransportWideFeedback twcc))
            {
                sum += twcc.TryCountReceived(out int received) ? received : 0;
                foreach (TransportWideFeedbackStatus s in twcc.GetStatuses())
                {
                    sum += s.DeltaTicks;
                }
            }
            else if (PictureLossIndication.TryParse(p, out PictureLossIndication pli))
            {
                sum += pli.MediaSsrc;
            }
        }

        return sum;
    }

    [Fact]
    public void Parsing_allocates_nothing()
    {
        byte[] rtpBytes = Packets.ChromeOpus();
        byte[] compound = [.. Packets.SenderReportAndSdes(), .. Packets.ReceiverReportAndRemb(), .. Packets.Nack(), .. Packets.Twcc(), .. Packets.Pli()];
        byte[] output = new byte[128];

        long expected = ParseEverything(rtpBytes, compound);
        Assert.NotEqual(0, expected);
        RtcpWriter.WriteNack(output, 1, 2, [1, 2, 3]);

        // Assertions allocate, so the loop only counts mismatches and checks them afterwards.
        int mismatches = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20_000; i++)
        {
            mismatches += ParseEverything(rtpBytes, compound) == expected ? 0 : 1;
            RtpHeader.SetSequenceNumber(rtpBytes, 0x4a3c);
            mismatches += RtcpWriter.WriteNack(output, 1, 2, [1, 2, 3]) == 16 ? 0 : 1;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, mismatches);
        Assert.Equal(0, allocated);
    }
}
