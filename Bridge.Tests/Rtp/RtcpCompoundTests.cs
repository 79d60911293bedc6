using Bridge.Rtp;

namespace Bridge.Tests.Rtp;

public class RtcpCompoundTests
{
    [Fact]
    public void Sender_report_and_sdes_compound()
    {
        byte[] bytes = Packets.SenderReportAndSdes();
        var reader = new RtcpCompoundReader(bytes);

        Assert.True(reader.TryReadNext(out RtcpPacket first));
        Assert.Equal(RtcpPacketType.SenderReport, first.PacketType);
        Assert.Equal(1, first.Count);
        Assert.False(first.Padding);
        Assert.Equal(52, first.Length);
        Assert.Equal(0x2b7d4e91u, first.SenderSsrc);
        Assert.True(SenderReport.TryParse(first, out SenderReport sr));
        Assert.Equal(0x2b7d4e91u, sr.Ssrc);
        Assert.Equal(0xe89a1c2d40000000ul, sr.NtpTimestamp);
        Assert.Equal(0x8e2b7c10u, sr.RtpTimestamp);
        Assert.Equal(500u, sr.PacketCount);
        Assert.Equal(100_000u, sr.OctetCount);
        Assert.Equal(1, sr.ReportCount);
        Assert.Equal(new ReportBlock(0x11223344, 10, -2, 0x00012345, 32, 0x1c2d4000, 0x8000), sr.GetReport(0));
        Assert.False(ReceiverReport.TryParse(first, out _));
        Assert.False(PictureLossIndication.TryParse(first, out _));

        Assert.True(reader.TryReadNext(out RtcpPacket second));
        Assert.Equal(RtcpPacketType.SourceDescription, second.PacketType);
        Assert.Equal(28, second.Length);
        Assert.Equal(0x2b7d4e91u, second.SenderSsrc);
        Assert.False(SenderReport.TryParse(second, out _));

        Assert.False(reader.TryReadNext(out _));
        Assert.False(reader.IsMalformed);
        Assert.False(reader.TryReadNext(out _));
    }

    [Fact]
    public void Receiver_report_and_remb_compound()
    {
        byte[] bytes = Packets.ReceiverReportAndRemb();
        var reader = new RtcpCompoundReader(bytes);

        Assert.True(reader.TryReadNext(out RtcpPacket first));
        Assert.True(ReceiverReport.TryParse(first, out ReceiverReport rr));
        Assert.Equal(1u, rr.Ssrc);
        Assert.Equal(1, rr.ReportCount);
        ReportBlock block = rr.GetReport(0);
        Assert.Equal(0x2b7d4e91u, block.Ssrc);
        Assert.Equal(5, block.FractionLost);
        Assert.Equal(16, block.CumulativeLost);
        Assert.Equal(0x00024a3cu, block.ExtendedHighestSequence);
        Assert.Equal(30u, block.Jitter);
        Assert.Equal(0x7c100000u, block.LastSenderReport);
        Assert.Equal(0x00010000u, block.DelaySinceLastSenderReport);
        Assert.False(SenderReport.TryParse(first, out _));

        Assert.True(reader.TryReadNext(out RtcpPacket second));
        Assert.Equal(RtcpPacketType.PayloadFeedback, second.PacketType);
        Assert.Equal(RtcpFeedbackFormat.ApplicationLayer, second.Count);
        Assert.True(ReceiverEstimatedMaxBitrate.TryParse(second, out ReceiverEstimatedMaxBitrate remb));
        Assert.Equal(1u, remb.SenderSsrc);
        Assert.Equal(0x2F5E3ul << 4, remb.Bitrate);
        Assert.Equal(3_104_304ul, remb.Bitrate);
        Assert.Equal(1, remb.SsrcCount);
        Assert.Equal(0x2b7d4e91u, remb.GetSsrc(0));
        Assert.False(PictureLossIndication.TryParse(second, out _));
        Assert.False(TransportWideFeedback.TryParse(second, out _));

        Assert.False(reader.TryReadNext(out _));
        Assert.False(reader.IsMalformed);
    }

    [Fact]
    public void Report_index_outside_the_count_throws()
    {
        byte[] bytes = Packets.SenderReportAndSdes();
        Assert.Throws<ArgumentOutOfRangeException>(() => SenderReportBlock(bytes, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SenderReportBlock(bytes, -1));
    }

    private static ReportBlock SenderReportBlock(byte[] bytes, int index)
    {
        Assert.True(RtcpPacket.TryParse(bytes, out RtcpPacket p));
        Assert.True(SenderReport.TryParse(p, out SenderReport sr));
        return sr.GetReport(index);
    }

    [Fact]
    public void Report_count_larger_than_the_packet_is_rejected()
    {
        byte[] bytes = Packets.SenderReportAndSdes();
        bytes[0] = 0x82; // RC 2, but only one block fits in the 52 bytes
        Assert.True(RtcpPacket.TryParse(bytes, out RtcpPacket p));
        Assert.False(SenderReport.TryParse(p, out _));

        byte[] rr = Packets.ReceiverReportAndRemb();
        rr[0] = 0x82;
        Assert.True(RtcpPacket.TryParse(rr, out RtcpPacket q));
        Assert.False(ReceiverReport.TryParse(q, out _));
    }

    [Fact]
    public void Bye_with_sources_and_reason()
    {
        byte[] bytes = Packets.Hex("82 cb 00 04  00 00 00 01  00 00 00 02  04 62 79 65  21 00 00 00");
        Assert.True(RtcpPacket.TryParse(bytes, out RtcpPacket p));
        Assert.True(ByePacket.TryParse(p, out ByePacket bye));
        Assert.Equal(2, bye.SsrcCount);
        Assert.Equal(1u, bye.GetSsrc(0));
        Assert.Equal(2u, bye.GetSsrc(1));
        Assert.Equal("bye!"u8.ToArray(), bye.Reason.ToArray());

        byte[] overlong = (byte[])bytes.Clone();
        overlong[12] = 8; // reason claims 8 bytes, 7 remain
        Assert.True(RtcpPacket.TryParse(overlong, out RtcpPacket q));
        Assert.False(ByePacket.TryParse(q, out _));
    }

    [Fact]
    public void Padding_is_excluded_from_content_and_validated()
    {
        // RR without blocks plus 4 bytes of padding (P bit, count 4).
        byte[] bytes = Packets.Hex("a0 c9 00 02  00 00 00 07  00 00 00 04");
        Assert.True(RtcpPacket.TryParse(bytes, out RtcpPacket p));
        Assert.True(p.Padding);
        Assert.Equal(12, p.Length);
        Assert.Equal(8, p.Content.Length);
        Assert.True(ReceiverReport.TryParse(p, out ReceiverReport rr));
        Assert.Equal(7u, rr.Ssrc);

        Assert.False(RtcpPacket.TryParse(Packets.Hex("a0 c9 00 02  00 00 00 07  00 00 00 00"), out _)); // count 0
        Assert.False(RtcpPacket.TryParse(Packets.Hex("a0 c9 00 02  00 00 00 07  00 00 00 09"), out _)); // past the header
        Assert.True(RtcpPacket.TryParse(Packets.Hex("a0 c9 00 02  00 00 00 07  00 00 00 08"), out RtcpPacket all));
        Assert.Equal(0u, all.SenderSsrc); // padding swallowed the SSRC
        Assert.False(ReceiverReport.TryParse(all, out _));
    }

    [Theory]
    [InlineData("40 c9 00 01 00 00 00 01")] // version 1
    [InlineData("c0 c9 00 01 00 00 00 01")] // version 3
    [InlineData("80 c9 00 02 00 00 00 01")] // length one word past the end
    [InlineData("80 c9 ff ff 00 00 00 01")] // length far past the end
    [InlineData("80 c9 00")] // shorter than a header
    public void Malformed_packet_stops_the_reader(string hex)
    {
        byte[] bad = Packets.Hex(hex);
        byte[] compound = [.. Packets.Pli(), .. bad];
        var reader = new RtcpCompoundReader(compound);
        Assert.True(reader.TryReadNext(out RtcpPacket pli));
        Assert.True(PictureLossIndication.TryParse(pli, out _));
        Assert.False(reader.TryReadNext(out _));
        Assert.True(reader.IsMalformed);
        Assert.False(reader.TryReadNext(out _)); // stays stopped
        Assert.True(reader.IsMalformed);
    }

    [Fact]
    public void Reader_never_resynchronises_after_a_bad_version()
    {
        byte[] compound = [.. Packets.Hex("40 c9 00 01 00 00 00 01"), .. Packets.Pli()];
        var reader = new RtcpCompoundReader(compound);
        Assert.False(reader.TryReadNext(out _));
        Assert.True(reader.IsMalformed);
        Assert.False(reader.TryReadNext(out _));
    }

    [Fact]
    public void Empty_compound_reads_nothing_and_is_not_malformed()
    {
        var reader = new RtcpCompoundReader([]);
        Assert.False(reader.TryReadNext(out _));
        Assert.False(reader.IsMalformed);
    }

    [Fact]
    public void Every_truncation_reads_the_whole_packets_and_flags_the_cut_one()
    {
        byte[] compound = [.. Packets.SenderReportAndSdes(), .. Packets.ReceiverReportAndRemb(), .. Packets.Nack(), .. Packets.Twcc()];
        int[] ends = [52, 80, 112, 136, 156, 200];
        Assert.Equal(compound.Length, ends[^1]);

        for (int length = 0; length <= compound.Length; length++)
        {
            var reader = new RtcpCompoundReader(compound.AsSpan(0, length));
            int read = 0;
            while (reader.TryReadNext(out RtcpPacket p))
            {
                Assert.Equal(ends[read] - (read == 0 ? 0 : ends[read - 1]), p.Length);
                read++;
            }

            Assert.Equal(ends.Count(e => e <= length), read);
            Assert.Equal(length != 0 && !ends.Contains(length), reader.IsMalformed);
        }
    }
}
