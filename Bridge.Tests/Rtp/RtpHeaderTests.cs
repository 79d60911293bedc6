using Bridge.Rtp;

namespace Bridge.Tests.Rtp;

public class RtpHeaderTests
{
    [Fact]
    public void Rewriting_changes_only_the_rewritten_fields()
    {
        byte[] original = Packets.Vp8WithCsrcs();
        byte[] packet = (byte[])original.Clone();

        RtpHeader.SetPayloadType(packet, 100);
        RtpHeader.SetSequenceNumber(packet, 0x0102);
        RtpHeader.SetTimestamp(packet, 0x03040506);
        RtpHeader.SetSsrc(packet, 0x0708090a);

        Assert.True(RtpPacket.TryParse(packet, out RtpPacket rtp));
        Assert.True(rtp.Marker); // kept from the original
        Assert.Equal(100, rtp.PayloadType);
        Assert.Equal(0x0102, rtp.SequenceNumber);
        Assert.Equal(0x03040506u, rtp.Timestamp);
        Assert.Equal(0x0708090au, rtp.Ssrc);

        Assert.Equal(original[0], packet[0]);
        Assert.Equal(original.AsSpan(12).ToArray(), packet.AsSpan(12).ToArray());
        Assert.Equal(new byte[] { 0x80 | 100, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a }, packet[1..12]);
    }

    [Fact]
    public void Payload_type_keeps_a_clear_marker_and_ignores_the_high_bit()
    {
        byte[] packet = Packets.ChromeOpus();
        RtpHeader.SetPayloadType(packet, 0xFF);
        Assert.Equal(0x7F, packet[1]);
        RtpHeader.SetMarker(packet, true);
        Assert.Equal(0xFF, packet[1]);
        RtpHeader.SetMarker(packet, false);
        Assert.Equal(0x7F, packet[1]);
    }

    [Fact]
    public void Transport_sequence_and_abs_send_time_are_rewritten_in_place()
    {
        byte[] original = Packets.ChromeOpus();
        byte[] packet = (byte[])original.Clone();

        Assert.True(RtpHeader.TrySetTransportSequenceNumber(packet, 3, 0xBEEF));
        Assert.True(RtpHeader.TrySetAbsSendTime(packet, 2, 0xABCDEF));
        Assert.False(RtpHeader.TrySetTransportSequenceNumber(packet, 1, 1)); // audio level is one byte
        Assert.False(RtpHeader.TrySetAbsSendTime(packet, 9, 1)); // absent

        Assert.True(RtpPacket.TryParse(packet, out RtpPacket rtp));
        Assert.True(rtp.TryGetTransportSequenceNumber(3, out ushort seq));
        Assert.Equal(0xBEEF, seq);
        Assert.True(rtp.TryGetAbsSendTime(2, out uint abs));
        Assert.Equal(0xABCDEFu, abs);

        int changed = 0;
        for (int i = 0; i < packet.Length; i++)
        {
            changed += packet[i] != original[i] ? 1 : 0;
        }

        Assert.Equal(5, changed);
    }

    [Fact]
    public void Writable_extension_on_garbage_returns_false()
    {
        Assert.False(RtpHeader.TryGetWritableExtension(new byte[] { 0x90, 0, 0 }, 1, out _));
        Assert.False(RtpHeader.TrySetTransportSequenceNumber(Packets.Hex("80 00 00 01 00 00 00 02 00 00 00 03"), 1, 1));
    }
}
