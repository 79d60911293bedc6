using Bridge.Rtp;

namespace Bridge.Tests.Rtp;

public class RtcpWriterTests
{
    private delegate int Writer(Span<byte> destination);

    private static byte[] WriteAndCheckSizes(Writer write, int expectedLength)
    {
        // Every destination shorter than the packet gets 0; the exact size and a larger one get the packet.
        for (int size = 0; size < expectedLength; size++)
        {
            Assert.Equal(0, write(new byte[size]));
        }

        byte[] exact = new byte[expectedLength];
        Assert.Equal(expectedLength, write(exact));
        byte[] larger = new byte[expectedLength + 9];
        Assert.Equal(expectedLength, write(larger));
        Assert.Equal(exact, larger[..expectedLength]);

        Assert.True(RtcpPacket.TryParse(exact, out RtcpPacket p));
        Assert.Equal(expectedLength, p.Length);
        Assert.False(p.Padding);
        return exact;
    }

    [Fact]
    public void Pli_round_trip()
    {
        byte[] bytes = WriteAndCheckSizes(d => RtcpWriter.WritePli(d, 0xAABBCCDD, 0x11223344), 12);
        Assert.Equal(Packets.Hex("81 ce 00 02 aa bb cc dd 11 22 33 44"), bytes);
        Assert.True(RtcpPacket.TryParse(bytes, out RtcpPacket p));
        Assert.True(PictureLossIndication.TryParse(p, out PictureLossIndication pli));
        Assert.Equal(0xAABBCCDDu, pli.SenderSsrc);
        Assert.Equal(0x11223344u, pli.MediaSsrc);
    }

    [Fact]
    public void Fir_round_trip()
    {
        byte[] bytes = WriteAndCheckSizes(d => RtcpWriter.WriteFir(d, 1, 0x2b7d4e91, 7), 20);
        Assert.Equal(Packets.Fir()[..20].Select((b, i) => i == 3 ? (byte)4 : b).ToArray(), bytes);
        Assert.True(RtcpPacket.TryParse(bytes, out RtcpPacket p));
        Assert.True(FullIntraRequest.TryParse(p, out FullIntraRequest fir));
        Assert.Equal(1u, fir.SenderSsrc);
        Assert.Equal(1, fir.EntryCount);
        Assert.Equal((0x2b7d4e91u, (byte)7), fir.GetEntry(0));
    }

    [Fact]
    public void Fir_clears_reserved_bytes_of_a_dirty_buffer()
    {
        byte[] dirty = Enumerable.Repeat((byte)0xEE, 24).ToArray();
        Assert.Equal(20, RtcpWriter.WriteFir(dirty, 1, 2, 3));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 3, 0, 0, 0 }, dirty[8..12].Concat(dirty[16..20]).ToArray());
    }

    [Fact]
    public void Nack_packs_into_pid_and_blp_items()
    {
        ushort[] lost = [100, 101, 103, 116, 117, 200, 65535, 0, 1, 15];
        byte[] bytes = WriteAndCheckSizes(d => RtcpWriter.WriteNack(d, 1, 0x2b7d4e91, lost), 12 + (4 * 4));
        Assert.Equal(Packets.Hex("81 cd 00 06 00 00 00 01 2b 7d 4e 91  00 64 80 05  00 75 00 00  00 c8 00 00  ff ff 80 03"), bytes);

        Assert.True(RtcpPacket.TryParse(bytes, out RtcpPacket p));
        Assert.True(GenericNack.TryParse(p, out GenericNack nack));
        Assert.Equal(1u, nack.SenderSsrc);
        Assert.Equal(0x2b7d4e91u, nack.MediaSsrc);
        ushort[] back = new ushort[64];
        int count = nack.CopyLostSequenceNumbers(back);
        Assert.Equal(lost, back[..count]);
    }

    [Fact]
    public void Nack_of_random_sorted_losses_round_trips()
    {
        var random = new Random(4585);
        for (int round = 0; round < 200; round++)
        {
            ushort start = (ushort)random.Next(65536);
            var lost = new List<ushort>();
            for (int seq = 0; seq < 600; seq++)
            {
                if (random.Next(4) == 0)
                {
                    lost.Add((ushort)(start + seq));
                }
            }

            if (lost.Count == 0)
            {
                continue;
            }

            byte[] buffer = new byte[12 + (4 * lost.Count)];
            int written = RtcpWriter.WriteNack(buffer, 9, 10, lost.ToArray());
            Assert.True(written > 0);
            Assert.True(RtcpPacket.TryParse(buffer.AsSpan(0, written), out RtcpPacket p));
            Assert.True(GenericNack.TryParse(p, out GenericNack nack));
            ushort[] back = new ushort[17 * nack.ItemCount];
            Assert.Equal(lost, back[..nack.CopyLostSequenceNumbers(back)]);
        }
    }

    [Fact]
    public void Nack_skips_duplicates_and_refuses_an_empty_list()
    {
        Assert.Equal(0, RtcpWriter.WriteNack(new byte[64], 1, 2, []));
        byte[] bytes = new byte[64];
        Assert.Equal(16, RtcpWriter.WriteNack(bytes, 1, 2, [5, 5, 6, 6]));
        Assert.Equal(Packets.Hex("00 05 00 01"), bytes[12..16]);
    }

    [Fact]
    public void Receiver_report_round_trip()
    {
        ReportBlock[] blocks =
        [
            new(0x11223344, 10, -2, 0x00012345, 32, 0x1c2d4000, 0x8000),
            new(0x55667788, 255, ReportBlock.MaxCumulativeLost, uint.MaxValue, 7, 0, 1),
            new(9, 0, ReportBlock.MinCumulativeLost, 0, 0, 0, 0),
        ];
        byte[] bytes = WriteAndCheckSizes(d => RtcpWriter.WriteReceiverReport(d, 0xCAFEBABE, blocks), 8 + (3 * 24));
        Assert.True(RtcpPacket.TryParse(bytes, out RtcpPacket p));
        Assert.True(ReceiverReport.TryParse(p, out ReceiverReport rr));
        Assert.Equal(0xCAFEBABEu, rr.Ssrc);
        Assert.Equal(3, rr.ReportCount);
        for (int i = 0; i < blocks.Length; i++)
        {
            Assert.Equal(blocks[i], rr.GetReport(i));
        }

        Assert.Equal(Packets.Hex("0a ff ff fe"), bytes[12..16]);
        Assert.Equal(Packets.Hex("ff 7f ff ff"), bytes[36..40]);
        Assert.Equal(Packets.Hex("00 80 00 00"), bytes[60..64]);
    }

    [Fact]
    public void Receiver_report_clamps_cumulative_loss_and_limits_blocks()
    {
        byte[] bytes = new byte[32];
        Assert.Equal(32, RtcpWriter.WriteReceiverReport(bytes, 1, [new ReportBlock(2, 0, int.MaxValue, 0, 0, 0, 0)]));
        Assert.True(RtcpPacket.TryParse(bytes, out RtcpPacket p));
        Assert.True(ReceiverReport.TryParse(p, out ReceiverReport rr));
        Assert.Equal(ReportBlock.MaxCumulativeLost, rr.GetReport(0).CumulativeLost);

        Assert.Equal(8, RtcpWriter.WriteReceiverReport(bytes, 1, []));
        Assert.Equal(0, RtcpWriter.WriteReceiverReport(new byte[8 + (32 * 24)], 1, new ReportBlock[32]));
        Assert.Equal(8 + (31 * 24), RtcpWriter.WriteReceiverReport(new byte[8 + (31 * 24)], 1, new ReportBlock[31]));
    }

    [Fact]
    public void Sender_report_round_trip()
    {
        byte[] bytes = WriteAndCheckSizes(d => RtcpWriter.WriteSenderReport(d, 0x2b7d4e91, 0xe89a1c2d40000000, 0x8e2b7c10, 500, 100_000), 28);
        Assert.Equal(Packets.SenderReportAndSdes()[..28].Select((b, i) => i switch { 0 => (byte)0x80, 3 => (byte)6, _ => b }).ToArray(), bytes);
        Assert.True(RtcpPacket.TryParse(bytes, out RtcpPacket p));
        Assert.True(SenderReport.TryParse(p, out SenderReport sr));
        Assert.Equal(0x2b7d4e91u, sr.Ssrc);
        Assert.Equal(0xe89a1c2d40000000ul, sr.NtpTimestamp);
        Assert.Equal(0x8e2b7c10u, sr.RtpTimestamp);
        Assert.Equal(500u, sr.PacketCount);
        Assert.Equal(100_000u, sr.OctetCount);
        Assert.Equal(0, sr.ReportCount);
    }

    [Theory]
    [InlineData(0ul, 0ul)]
    [InlineData(262_143ul, 262_143ul)] // largest exact mantissa
    [InlineData(1_500_000ul, 1_500_000ul)] // 187500 << 3
    [InlineData(1_000_001ul, 1_000_000ul)] // rounded down
    [InlineData(3_104_304ul, 3_104_304ul)]
    [InlineData(ulong.MaxValue, 0x3FFFFul << 46)]
    public void Remb_round_trip(ulong bitrate, ulong parsed)
    {
        uint[] ssrcs = [0x2b7d4e91, 0x11223344];
        byte[] bytes = WriteAndCheckSizes(d => RtcpWriter.WriteRemb(d, 1, bitrate, ssrcs), 28);
        Assert.True(RtcpPacket.TryParse(bytes, out RtcpPacket p));
        Assert.True(ReceiverEstimatedMaxBitrate.TryParse(p, out ReceiverEstimatedMaxBitrate remb));
        Assert.Equal(1u, remb.SenderSsrc);
        Assert.Equal(parsed, remb.Bitrate);
        Assert.Equal(2, remb.SsrcCount);
        Assert.Equal(ssrcs[0], remb.GetSsrc(0));
        Assert.Equal(ssrcs[1], remb.GetSsrc(1));
        Assert.Equal(0u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(8)));
    }

    [Fact]
    public void Remb_matches_the_captured_bytes_and_limits_ssrcs()
    {
        byte[] bytes = new byte[24];
        Assert.Equal(24, RtcpWriter.WriteRemb(bytes, 1, 3_104_304, [0x2b7d4e91]));
        Assert.Equal(Packets.ReceiverReportAndRemb()[32..], bytes);
        Assert.Equal(0, RtcpWriter.WriteRemb(new byte[2000], 1, 1, new uint[256]));
        Assert.Equal(20 + 1020, RtcpWriter.WriteRemb(new byte[2000], 1, 1, new uint[255]));
    }

    [Fact]
    public void Bye_round_trip()
    {
        byte[] bytes = WriteAndCheckSizes(d => RtcpWriter.WriteBye(d, [1, 2]), 12);
        Assert.True(RtcpPacket.TryParse(bytes, out RtcpPacket p));
        Assert.True(ByePacket.TryParse(p, out ByePacket bye));
        Assert.Equal(2, bye.SsrcCount);
        Assert.Equal(1u, bye.GetSsrc(0));
        Assert.Equal(2u, bye.GetSsrc(1));
        Assert.True(bye.Reason.IsEmpty);
        Assert.Equal(0, RtcpWriter.WriteBye(new byte[200], new uint[32]));
    }

    [Fact]
    public void Written_packets_form_a_compound()
    {
        byte[] buffer = new byte[256];
        int n = RtcpWriter.WriteSenderReport(buffer, 1, 2, 3, 4, 5);
        n += RtcpWriter.WritePli(buffer.AsSpan(n), 1, 6);
        n += RtcpWriter.WriteNack(buffer.AsSpan(n), 1, 6, [10, 12]);
        n += RtcpWriter.WriteRemb(buffer.AsSpan(n), 1, 500_000, [6]);

        var reader = new RtcpCompoundReader(buffer.AsSpan(0, n));
        var types = new List<(byte, int)>();
        while (reader.TryReadNext(out RtcpPacket p))
        {
            types.Add((p.PacketType, p.Count));
        }

        Assert.False(reader.IsMalformed);
        Assert.Equal([(200, 0), (206, 1), (205, 1), (206, 15)], types);
    }

    [Fact]
    public void Rewriter_changes_only_the_named_fields()
    {
        byte[] original = Packets.SenderReportAndSdes();
        byte[] bytes = (byte[])original.Clone();
        RtcpRewriter.SetSenderReportSsrc(bytes, 0x01020304);
        RtcpRewriter.SetSenderReportRtpTimestamp(bytes, 0x05060708);
        Assert.True(RtcpPacket.TryParse(bytes, out RtcpPacket p));
        Assert.True(SenderReport.TryParse(p, out SenderReport sr));
        Assert.Equal(0x01020304u, sr.Ssrc);
        Assert.Equal(0x05060708u, sr.RtpTimestamp);
        Assert.Equal(original[..4], bytes[..4]);
        Assert.Equal(original[8..16], bytes[8..16]);
        Assert.Equal(original[20..], bytes[20..]);

        byte[] pli = Packets.Pli();
        RtcpRewriter.SetSenderSsrc(pli, 0xA);
        RtcpRewriter.SetFeedbackMediaSsrc(pli, 0xB);
        Assert.Equal(Packets.Hex("81 ce 00 02 00 00 00 0a 00 00 00 0b"), pli);
    }
}
