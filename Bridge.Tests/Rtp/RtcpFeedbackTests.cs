using Bridge.Rtp;

namespace Bridge.Tests.Rtp;

public class RtcpFeedbackTests
{
    private static RtcpPacket Single(byte[] bytes)
    {
        Assert.True(RtcpPacket.TryParse(bytes, out RtcpPacket p));
        Assert.Equal(bytes.Length, p.Length);
        return p;
    }

    [Fact]
    public void Pli_fields()
    {
        RtcpPacket p = Single(Packets.Pli());
        Assert.True(PictureLossIndication.TryParse(p, out PictureLossIndication pli));
        Assert.Equal(1u, pli.SenderSsrc);
        Assert.Equal(0x2b7d4e91u, pli.MediaSsrc);
        Assert.False(FullIntraRequest.TryParse(p, out _));
        Assert.False(GenericNack.TryParse(p, out _));
    }

    [Fact]
    public void Pli_without_media_ssrc_is_rejected()
    {
        Assert.False(PictureLossIndication.TryParse(Single(Packets.Hex("81 ce 00 01 00 00 00 01")), out _));
    }

    [Fact]
    public void Fir_entries()
    {
        RtcpPacket p = Single(Packets.Fir());
        Assert.True(FullIntraRequest.TryParse(p, out FullIntraRequest fir));
        Assert.Equal(1u, fir.SenderSsrc);
        Assert.Equal(2, fir.EntryCount);
        Assert.Equal((0x2b7d4e91u, (byte)7), fir.GetEntry(0));
        Assert.Equal((0x11223344u, (byte)8), fir.GetEntry(1));
        Assert.False(PictureLossIndication.TryParse(p, out _));
    }

    [Fact]
    public void Fir_without_entries_or_with_half_an_entry_is_rejected()
    {
        Assert.False(FullIntraRequest.TryParse(Single(Packets.Hex("84 ce 00 02 00 00 00 01 00 00 00 00")), out _));
        Assert.False(FullIntraRequest.TryParse(Single(Packets.Hex("84 ce 00 05 00 00 00 01 00 00 00 00 2b 7d 4e 91 07 00 00 00 11 22 33 44")), out _));
    }

    [Fact]
    public void Nack_items_and_lost_sequence_numbers()
    {
        RtcpPacket p = Single(Packets.Nack());
        Assert.True(GenericNack.TryParse(p, out GenericNack nack));
        Assert.Equal(1u, nack.SenderSsrc);
        Assert.Equal(0x2b7d4e91u, nack.MediaSsrc);
        Assert.Equal(2, nack.ItemCount);
        Assert.Equal(((ushort)100, (ushort)0x8005), nack.GetItem(0));
        Assert.Equal(((ushort)65535, (ushort)1), nack.GetItem(1));

        ushort[] expected = [100, 101, 103, 116, 65535, 0];
        Span<ushort> lost = stackalloc ushort[34];
        int count = nack.CopyLostSequenceNumbers(lost);
        Assert.Equal(expected, lost[..count].ToArray());

        var enumerated = new List<ushort>();
        foreach (ushort seq in nack)
        {
            enumerated.Add(seq);
        }

        Assert.Equal(expected, enumerated);

        // A destination that is too small gets what fits.
        Span<ushort> three = stackalloc ushort[3];
        Assert.Equal(3, nack.CopyLostSequenceNumbers(three));
        Assert.Equal(expected[..3], three.ToArray());
    }

    [Fact]
    public void Nack_with_all_blp_bits_yields_seventeen_numbers()
    {
        Assert.True(GenericNack.TryParse(Single(Packets.Hex("81 cd 00 03 00 00 00 01 00 00 00 02 ff f8 ff ff")), out GenericNack nack));
        Span<ushort> lost = stackalloc ushort[20];
        int count = nack.CopyLostSequenceNumbers(lost);
        Assert.Equal(Enumerable.Range(0, 17).Select(i => (ushort)(0xfff8 + i)).ToArray(), lost[..count].ToArray());
    }

    [Fact]
    public void Nack_without_items_is_rejected()
    {
        Assert.False(GenericNack.TryParse(Single(Packets.Hex("81 cd 00 02 00 00 00 01 00 00 00 02")), out _));
    }

    [Fact]
    public void Remb_requires_the_identifier_and_its_ssrcs()
    {
        byte[] bytes = Packets.ReceiverReportAndRemb()[32..];
        Assert.True(ReceiverEstimatedMaxBitrate.TryParse(Single(bytes), out _));

        byte[] wrongId = (byte[])bytes.Clone();
        wrongId[15] = (byte)'X';
        Assert.False(ReceiverEstimatedMaxBitrate.TryParse(Single(wrongId), out _));

        byte[] tooManySsrcs = (byte[])bytes.Clone();
        tooManySsrcs[16] = 2;
        Assert.False(ReceiverEstimatedMaxBitrate.TryParse(Single(tooManySsrcs), out _));
    }

    [Theory]
    [InlineData(0, 0x3FFFF, 0x3FFFFul)]
    [InlineData(46, 0x3FFFF, 0x3FFFFul << 46)]
    [InlineData(47, 0x3FFFF, ulong.MaxValue)] // would need 65 bits
    [InlineData(63, 1, 1ul << 63)]
    [InlineData(63, 2, ulong.MaxValue)]
    [InlineData(63, 0, 0ul)]
    public void Remb_bitrate_saturates_instead_of_wrapping(int exponent, int mantissa, ulong expected)
    {
        byte[] bytes = Packets.Hex("8f ce 00 04 00 00 00 01 00 00 00 00 52 45 4d 42 00 00 00 00");
        bytes[17] = (byte)((exponent << 2) | (mantissa >> 16));
        bytes[18] = (byte)(mantissa >> 8);
        bytes[19] = (byte)mantissa;
        Assert.True(ReceiverEstimatedMaxBitrate.TryParse(Single(bytes), out ReceiverEstimatedMaxBitrate remb));
        Assert.Equal(expected, remb.Bitrate);
        Assert.Equal(0, remb.SsrcCount);
    }

    [Fact]
    public void Twcc_fields_and_every_packet_status()
    {
        RtcpPacket p = Single(Packets.Twcc());
        Assert.True(p.Padding);
        Assert.Equal(43, p.Content.Length);
        Assert.True(TransportWideFeedback.TryParse(p, out TransportWideFeedback twcc));
        Assert.Equal(1u, twcc.SenderSsrc);
        Assert.Equal(0x2b7d4e91u, twcc.MediaSsrc);
        Assert.Equal(65533, twcc.BaseSequence);
        Assert.Equal(30, twcc.PacketStatusCount);
        Assert.Equal(-2, twcc.ReferenceTime);
        Assert.Equal(7, twcc.FeedbackPacketCount);
        Assert.True(twcc.TryCountReceived(out int received));
        Assert.Equal(14, received);
        Assert.False(GenericNack.TryParse(p, out _));

        // (sequence, delta in 250 µs ticks) of every received packet; the rest were lost, 22 arrived without a delta.
        var expectedReceived = new Dictionary<ushort, int?>
        {
            [65533] = 4, [65534] = 0, [65535] = 16, [0] = 255, [1] = 1,
            [2] = 2, [4] = 3, [5] = 4, [15] = 5,
            [16] = 8, [17] = -16, [19] = 256, [20] = 9, [22] = null,
        };

        var statuses = new List<TransportWideFeedbackStatus>();
        TransportWideFeedbackEnumerator e = twcc.GetStatuses();
        while (e.MoveNext())
        {
            statuses.Add(e.Current);
        }

        Assert.False(e.IsMalformed);
        Assert.Equal(30, statuses.Count);
        for (int i = 0; i < statuses.Count; i++)
        {
            TransportWideFeedbackStatus s = statuses[i];
            Assert.Equal((ushort)(65533 + i), s.SequenceNumber);
            bool expectReceived = expectedReceived.TryGetValue(s.SequenceNumber, out int? delta);
            Assert.Equal(expectReceived, s.Received);
            Assert.Equal(delta.HasValue, s.HasDelta);
            Assert.Equal(delta ?? 0, s.DeltaTicks);
        }

        Assert.Equal(TimeSpan.FromMilliseconds(-4), statuses[17 - 65533 + 65536].Delta);
        Assert.Equal(TimeSpan.FromMilliseconds(63.75), statuses[3].Delta);
    }

    [Fact]
    public void Chrome_shaped_twcc_with_padding()
    {
        Assert.True(TransportWideFeedback.TryParse(Single(Packets.TwccChrome()), out TransportWideFeedback twcc));
        Assert.Equal(0xfa17fa17u, twcc.SenderSsrc);
        Assert.Equal(0x193dd8bbu, twcc.MediaSsrc);
        Assert.Equal(4, twcc.BaseSequence);
        Assert.Equal(7, twcc.PacketStatusCount);
        Assert.Equal(0x10636e, twcc.ReferenceTime);
        Assert.Equal(1, twcc.FeedbackPacketCount);
        Assert.True(twcc.TryCountReceived(out int received));
        Assert.Equal(7, received);

        var deltas = new List<int>();
        foreach (TransportWideFeedbackStatus s in twcc.GetStatuses())
        {
            deltas.Add(s.DeltaTicks * TransportWideFeedbackStatus.MicrosecondsPerTick);
        }

        Assert.Equal([19000, 9000, 9000, 4000, 3000, 3000, 4000], deltas);
    }

    [Fact]
    public void Twcc_with_chunks_or_deltas_past_the_end_fails_to_count()
    {
        // Status count 30 but only one chunk covering 5: the chunk walk runs off the end.
        byte[] fewChunks = Packets.Hex("8f cd 00 05  00 00 00 01  00 00 00 02  00 00 00 1e  00 00 00 00  20 05 00 00");
        Assert.True(TransportWideFeedback.TryParse(Single(fewChunks), out TransportWideFeedback a));
        Assert.False(a.TryCountReceived(out int none));
        Assert.Equal(0, none);

        // Run of 7 large deltas needs 14 delta bytes, only 2 are there.
        byte[] fewDeltas = Packets.Hex("8f cd 00 05  00 00 00 01  00 00 00 02  00 00 00 07  00 00 00 00  40 07 00 01");
        Assert.True(TransportWideFeedback.TryParse(Single(fewDeltas), out TransportWideFeedback b));
        Assert.False(b.TryCountReceived(out _));
        TransportWideFeedbackEnumerator e = b.GetStatuses();
        Assert.True(e.MoveNext());
        Assert.Equal(1, e.Current.DeltaTicks);
        Assert.False(e.MoveNext());
        Assert.True(e.IsMalformed);

        // Zero statuses: nothing to walk, nothing received.
        byte[] empty = Packets.Hex("8f cd 00 04  00 00 00 01  00 00 00 02  00 09 00 00  00 00 00 00");
        Assert.True(TransportWideFeedback.TryParse(Single(empty), out TransportWideFeedback c));
        Assert.True(c.TryCountReceived(out int zero));
        Assert.Equal(0, zero);
    }

    [Fact]
    public void Twcc_shorter_than_its_fixed_fields_is_rejected()
    {
        Assert.False(TransportWideFeedback.TryParse(Single(Packets.Hex("8f cd 00 03  00 00 00 01  00 00 00 02  00 00 00 01")), out _));
    }
}
