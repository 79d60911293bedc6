using Bridge.Rtp;

namespace Bridge.Tests.Rtp;

public class TransportWideFeedbackWriterTests
{
    private static List<TransportWideFeedbackStatus> Parse(ReadOnlySpan<byte> bytes, out TransportWideFeedbackHeader header)
    {
        Assert.True(RtcpPacket.TryParse(bytes, out RtcpPacket p));
        Assert.Equal(bytes.Length, p.Length);
        Assert.True(TransportWideFeedback.TryParse(p, out TransportWideFeedback twcc));
        header = new(twcc.SenderSsrc, twcc.MediaSsrc, twcc.BaseSequence, twcc.ReferenceTime, twcc.FeedbackPacketCount);
        var list = new List<TransportWideFeedbackStatus>();
        TransportWideFeedbackEnumerator e = twcc.GetStatuses();
        while (e.MoveNext())
        {
            list.Add(e.Current);
        }

        Assert.False(e.IsMalformed);
        Assert.Equal(twcc.PacketStatusCount, list.Count);
        return list;
    }

    private readonly record struct TransportWideFeedbackHeader(uint Sender, uint Media, ushort Base, int ReferenceTime, byte Count);

    private static TransportWideFeedbackStatus Got(ushort seq, int ticks) => new(seq, true, true, ticks);

    private static TransportWideFeedbackStatus Lost(ushort seq) => new(seq, false, false, 0);

    [Fact]
    public void Reproduces_the_chrome_shaped_packet_byte_for_byte()
    {
        byte[] chrome = Packets.TwccChrome();
        List<TransportWideFeedbackStatus> statuses = Parse(chrome, out TransportWideFeedbackHeader h);

        byte[] written = new byte[64];
        int length = RtcpWriter.WriteTransportWideFeedback(written, h.Sender, h.Media, h.ReferenceTime, h.Count, statuses.ToArray());
        Assert.Equal(chrome, written[..length]);
    }

    [Fact]
    public void Mixed_statuses_round_trip_across_the_sequence_wrap()
    {
        var statuses = new List<TransportWideFeedbackStatus>();
        ushort seq = 65530;
        void Add(bool received, int ticks) => statuses.Add(received ? Got(seq++, ticks) : Lost(seq++));

        for (int i = 0; i < 20; i++)
        {
            Add(true, i * 10); // a long run of small deltas: run-length chunk
        }

        Add(false, 0);
        Add(true, 3);
        Add(false, 0);
        Add(true, 255); // small deltas and losses mixed: one-bit vector
        Add(true, -1); // negative: large, two-bit vector
        Add(true, 256);
        Add(true, short.MinValue);
        Add(true, short.MaxValue);
        for (int i = 0; i < 9000; i++)
        {
            Add(false, 0); // more losses than one run-length chunk holds
        }

        Add(true, 1);

        byte[] buffer = new byte[256];
        int length = RtcpWriter.WriteTransportWideFeedback(buffer, 7, 8, -2, 42, statuses.ToArray());
        Assert.True(length > 0);
        Assert.Equal(0, length % 4);

        List<TransportWideFeedbackStatus> back = Parse(buffer.AsSpan(0, length), out TransportWideFeedbackHeader h);
        Assert.Equal(new TransportWideFeedbackHeader(7, 8, 65530, -2, 42), h);
        Assert.Equal(statuses, back);
    }

    [Fact]
    public void Random_statuses_round_trip()
    {
        var random = new Random(8888);
        byte[] buffer = new byte[4096];
        for (int round = 0; round < 2000; round++)
        {
            int count = random.Next(1, 400);
            ushort start = (ushort)random.Next(65536);
            int lossPercent = random.Next(0, 101);
            var statuses = new TransportWideFeedbackStatus[count];
            for (int i = 0; i < count; i++)
            {
                ushort seq = (ushort)(start + i);
                statuses[i] = random.Next(100) < lossPercent ? Lost(seq)
                    : random.Next(10) == 0 ? Got(seq, random.Next(short.MinValue, short.MaxValue + 1))
                    : Got(seq, random.Next(0, 256));
            }

            int length = RtcpWriter.WriteTransportWideFeedback(buffer, 1, 2, random.Next(-0x800000, 0x800000), (byte)round, statuses);
            Assert.True(length > 0);
            Assert.Equal(statuses, Parse(buffer.AsSpan(0, length), out _));
        }
    }

    [Fact]
    public void Every_short_destination_gets_zero()
    {
        TransportWideFeedbackStatus[] statuses = [Got(1, 300), Lost(2), Got(3, 4), Got(4, 5)];
        byte[] full = new byte[64];
        int length = RtcpWriter.WriteTransportWideFeedback(full, 1, 2, 3, 4, statuses);
        Assert.Equal(20 + 2 + 4, length - full[length - 1]);
        for (int size = 0; size < length; size++)
        {
            Assert.Equal(0, RtcpWriter.WriteTransportWideFeedback(new byte[size], 1, 2, 3, 4, statuses));
        }
    }

    [Fact]
    public void Unencodable_input_gets_zero()
    {
        byte[] buffer = new byte[128];
        Assert.Equal(0, RtcpWriter.WriteTransportWideFeedback(buffer, 1, 2, 3, 4, []));
        Assert.Equal(0, RtcpWriter.WriteTransportWideFeedback(buffer, 1, 2, 3, 4, [Got(1, 0), Got(3, 0)])); // gap in sequence numbers
        Assert.Equal(0, RtcpWriter.WriteTransportWideFeedback(buffer, 1, 2, 3, 4, [Got(1, 0), Got(2, short.MaxValue + 1)]));
        Assert.Equal(0, RtcpWriter.WriteTransportWideFeedback(buffer, 1, 2, 3, 4, [Got(1, short.MinValue - 1)]));
    }
}
