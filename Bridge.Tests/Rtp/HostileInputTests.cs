using Bridge.Rtp;

namespace Bridge.Tests.Rtp;

/// <summary>Random, truncated and bit-flipped input through every parser and accessor: nothing may throw, every view stays in bounds.</summary>
public class HostileInputTests
{
    private static readonly byte[][] Samples =
    [
        Packets.ChromeOpus(),
        Packets.Vp8WithCsrcs(),
        Packets.SenderReportAndSdes(),
        Packets.ReceiverReportAndRemb(),
        Packets.Pli(),
        Packets.Fir(),
        Packets.Nack(),
        Packets.Twcc(),
        Packets.TwccChrome(),
        Packets.Hex("82 cb 00 04  00 00 00 01  00 00 00 02  04 62 79 65  21 00 00 00"),
    ];

    /// <summary>Touches every accessor the parse results offer; returns a checksum so nothing is optimised away.</summary>
    private static long Exercise(ReadOnlySpan<byte> data)
    {
        long sum = (RtpPacket.IsRtpOrRtcp(data) ? 1 : 0) + (RtpPacket.IsRtcp(data) ? 2 : 0);
        if (RtpPacket.TryParse(data, out RtpPacket rtp))
        {
            Assert.Equal(data.Length, rtp.HeaderLength + rtp.Payload.Length + rtp.PaddingLength);
            sum += rtp.PayloadType + rtp.SequenceNumber + rtp.Timestamp + rtp.Ssrc + rtp.ExtensionProfile + (rtp.Marker ? 1 : 0);
            for (int i = 0; i < rtp.CsrcCount; i++)
            {
                sum += rtp.GetCsrc(i);
            }

            for (int id = 0; id <= 256; id++)
            {
                if (rtp.TryGetExtension(id, out ReadOnlySpan<byte> value))
                {
                    Assert.True(rtp.TryFindExtension(id, out int offset, out int length));
                    Assert.True(offset >= RtpPacket.FixedHeaderLength && offset + length <= rtp.HeaderLength);
                    sum += value.Length;
                }
            }

            sum += rtp.TryGetAbsSendTime(2, out uint abs) ? abs : 0;
            sum += rtp.TryGetTransportSequenceNumber(3, out ushort tseq) ? tseq : 0;
            sum += rtp.TryGetMid(4, out ReadOnlySpan<byte> mid) ? mid.Length : 0;
            sum += rtp.TryGetAudioLevel(1, out bool voice, out byte level) ? level + (voice ? 1 : 0) : 0;
        }

        var reader = new RtcpCompoundReader(data);
        int consumed = 0;
        while (reader.TryReadNext(out RtcpPacket p))
        {
            consumed += p.Length;
            sum += ExerciseRtcp(p);
        }

        Assert.True(reader.IsMalformed || consumed == data.Length);
        return sum;
    }

    private static long ExerciseRtcp(RtcpPacket p)
    {
        Assert.True(p.Length >= 4 && p.Length % 4 == 0 && p.Content.Length <= p.Length);
        long sum = p.PacketType + p.Count + p.SenderSsrc + (p.Padding ? 1 : 0);
        if (SenderReport.TryParse(p, out SenderReport sr))
        {
            sum += (long)(sr.NtpTimestamp >> 1) + sr.Ssrc + sr.RtpTimestamp + sr.PacketCount + sr.OctetCount;
            for (int i = 0; i < sr.ReportCount; i++)
            {
                sum += sr.GetReport(i).CumulativeLost;
            }
        }

        if (ReceiverReport.TryParse(p, out ReceiverReport rr))
        {
            sum += rr.Ssrc;
            for (int i = 0; i < rr.ReportCount; i++)
            {
                sum += rr.GetReport(i).Jitter;
            }
        }

        if (ByePacket.TryParse(p, out ByePacket bye))
        {
            for (int i = 0; i < bye.SsrcCount; i++)
            {
                sum += bye.GetSsrc(i);
            }

            sum += bye.Reason.Length;
        }

        if (PictureLossIndication.TryParse(p, out PictureLossIndication pli))
        {
            sum += pli.SenderSsrc + pli.MediaSsrc;
        }

        if (FullIntraRequest.TryParse(p, out FullIntraRequest fir))
        {
            for (int i = 0; i < fir.EntryCount; i++)
            {
                sum += fir.GetEntry(i).Ssrc;
            }
        }

        if (GenericNack.TryParse(p, out GenericNack nack))
        {
            Span<ushort> lost = stackalloc ushort[64];
            sum += nack.CopyLostSequenceNumbers(lost) + nack.GetItem(nack.ItemCount - 1).Pid + nack.MediaSsrc;
            foreach (ushort seq in nack)
            {
                sum += seq;
            }
        }

        if (ReceiverEstimatedMaxBitrate.TryParse(p, out ReceiverEstimatedMaxBitrate remb))
        {
            sum += (long)(remb.Bitrate >> 2) + remb.SenderSsrc;
            for (int i = 0; i < remb.SsrcCount; i++)
            {
                sum += remb.GetSsrc(i);
            }
        }

        if (TransportWideFeedback.TryParse(p, out TransportWideFeedback twcc))
        {
            sum += twcc.BaseSequence + twcc.ReferenceTime + twcc.FeedbackPacketCount + twcc.MediaSsrc;
            int produced = 0;
            TransportWideFeedbackEnumerator e = twcc.GetStatuses();
            while (e.MoveNext())
            {
                produced++;
                sum += e.Current.DeltaTicks;
            }

            Assert.True(e.IsMalformed ? produced < twcc.PacketStatusCount : produced == twcc.PacketStatusCount);
            Assert.Equal(!e.IsMalformed, twcc.TryCountReceived(out int received));
            Assert.True(received <= produced);
        }

        return sum;
    }

    [Fact]
    public void Samples_parse_and_every_truncation_is_safe()
    {
        foreach (byte[] sample in Samples)
        {
            for (int length = 0; length <= sample.Length; length++)
            {
                Exercise(sample.AsSpan(0, length));
            }
        }
    }

    [Fact]
    public void Every_single_bit_flip_is_safe()
    {
        foreach (byte[] sample in Samples)
        {
            byte[] copy = (byte[])sample.Clone();
            for (int bit = 0; bit < copy.Length * 8; bit++)
            {
                copy[bit / 8] ^= (byte)(1 << (bit % 8));
                Exercise(copy);
                copy[bit / 8] ^= (byte)(1 << (bit % 8));
            }
        }
    }

    [Fact]
    public void Random_bytes_are_safe()
    {
        var random = new Random(3550);
        byte[] buffer = new byte[1500];
        for (int i = 0; i < 100_000; i++)
        {
            int length = random.Next(0, i % 10 == 0 ? 1500 : 80);
            Span<byte> data = buffer.AsSpan(0, length);
            random.NextBytes(data);

            // Bias half the inputs towards version 2 and RTCP/feedback types so the deep paths get reached.
            if (length > 1 && (i & 1) == 0)
            {
                data[0] = (byte)(0x80 | (data[0] & 0x3F));
                data[1] = (byte)(i % 4 == 0 ? 200 + (data[1] % 7) : data[1]);
            }

            if (length > 3 && (i & 2) == 0)
            {
                // A plausible RTCP length so the typed views see their own packet instead of a length error.
                int words = (length / 4) - 1;
                data[2] = (byte)(words >> 8);
                data[3] = (byte)words;
            }

            Exercise(data);
        }
    }

    [Fact]
    public void Random_mutations_of_samples_are_safe()
    {
        var random = new Random(8285);
        for (int i = 0; i < 20_000; i++)
        {
            byte[] copy = (byte[])Samples[i % Samples.Length].Clone();
            for (int flips = random.Next(1, 6); flips > 0; flips--)
            {
                copy[random.Next(copy.Length)] = (byte)random.Next(256);
            }

            Exercise(copy);
        }
    }
}
