using Bridge.Forwarding;
using Bridge.Rtp;
using Bridge.Sdp;

namespace Bridge.Tests.Forwarding;

public sealed class ReceiverSlotTests
{
    private const long Frequency = 1_000_000;

    private static byte[] Packet(uint ssrc, ushort seq, uint ts, byte pt = 100)
    {
        var p = new byte[20];
        p[0] = 0x80;
        p[1] = (byte)(pt | 0x80);
        RtpHeader.SetSequenceNumber(p, seq);
        RtpHeader.SetTimestamp(p, ts);
        RtpHeader.SetSsrc(p, ssrc);
        p[12] = 0x42;
        return p;
    }

    private static (ushort Seq, uint Ts, uint Ssrc, byte Pt, bool Marker) Forward(ReceiverSlot slot, uint ssrc, ushort seq, uint ts, long now)
    {
        var p = Packet(ssrc, seq, ts);
        slot.Rewrite(p, ssrc, seq, ts, now);
        Assert.True(RtpPacket.TryParse(p, out var rtp));
        Assert.Equal(0x42, rtp.Payload[0]);
        return (rtp.SequenceNumber, rtp.Timestamp, rtp.Ssrc, rtp.PayloadType, rtp.Marker);
    }

    [Fact]
    public void First_source_keeps_its_numbering_under_the_slot_ssrc_and_payload_type()
    {
        var slot = new ReceiverSlot(MediaKind.Video, 0xDEAD, 96, 90000, Frequency);
        var first = Forward(slot, 0x1111, 65534, 1000, 0);
        Assert.Equal((65534, 1000u, 0xDEADu, (byte)96, true), first);
        Assert.Equal((ushort)65535, Forward(slot, 0x1111, 65535, 4000, 10).Seq);
        Assert.Equal((ushort)0, Forward(slot, 0x1111, 0, 7000, 20).Seq);
        Assert.Equal(0x1111u, slot.CurrentSource);
    }

    [Fact]
    public void Source_change_continues_sequence_by_one_and_timestamp_by_wall_time()
    {
        var slot = new ReceiverSlot(MediaKind.Video, 0xDEAD, 96, 90000, Frequency);
        Forward(slot, 0x1111, 100, 50_000, 0);
        var last = Forward(slot, 0x1111, 101, 53_000, 0);
        // 0.5 s later another speaker, with unrelated numbering.
        var switched = Forward(slot, 0x2222, 40_000, 7, Frequency / 2);
        Assert.Equal((ushort)(last.Seq + 1), switched.Seq);
        Assert.Equal(last.Ts + 45_000, switched.Ts);
        Assert.Equal(0xDEADu, switched.Ssrc);
        var next = Forward(slot, 0x2222, 40_001, 3007, Frequency / 2);
        Assert.Equal((ushort)(last.Seq + 2), next.Seq);
        Assert.Equal(last.Ts + 48_000, next.Ts);
    }

    [Fact]
    public void Nacked_slot_sequence_maps_back_to_the_current_source()
    {
        var slot = new ReceiverSlot(MediaKind.Audio, 0xA, 111, 48000, Frequency);
        Assert.False(slot.TryMapToSource(5, out _, out _));
        Forward(slot, 0x1111, 10, 0, 0);
        Forward(slot, 0x2222, 900, 0, 1);
        var out2 = Forward(slot, 0x2222, 901, 960, 2);
        Assert.True(slot.TryMapToSource(out2.Seq, out var ssrc, out var seq));
        Assert.Equal((0x2222u, (ushort)901), (ssrc, seq));
    }

    [Fact]
    public void Late_packet_does_not_move_the_continuation_point_backwards()
    {
        var slot = new ReceiverSlot(MediaKind.Audio, 0xA, 111, 48000, Frequency);
        Forward(slot, 0x1111, 10, 0, 0);
        Forward(slot, 0x1111, 12, 1920, 0);
        Forward(slot, 0x1111, 11, 960, 0); // reordered
        var switched = Forward(slot, 0x2222, 500, 0, 0);
        Assert.Equal((ushort)13, switched.Seq);
    }
}
