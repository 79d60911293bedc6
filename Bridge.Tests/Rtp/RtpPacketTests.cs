using Bridge.Rtp;

namespace Bridge.Tests.Rtp;

public class RtpPacketTests
{
    [Fact]
    public void Chrome_opus_packet_exposes_header_and_one_byte_extensions()
    {
        byte[] bytes = Packets.ChromeOpus();
        Assert.True(RtpPacket.TryParse(bytes, out RtpPacket rtp));

        Assert.False(rtp.Marker);
        Assert.Equal(111, rtp.PayloadType);
        Assert.Equal(0x4a3c, rtp.SequenceNumber);
        Assert.Equal(0x8e2b7c10u, rtp.Timestamp);
        Assert.Equal(0x2b7d4e91u, rtp.Ssrc);
        Assert.Equal(0, rtp.CsrcCount);
        Assert.True(rtp.HasExtension);
        Assert.Equal(0xBEDE, rtp.ExtensionProfile);
        Assert.Equal(28, rtp.HeaderLength);
        Assert.Equal(0, rtp.PaddingLength);
        Assert.Equal(bytes.AsSpan(28).ToArray(), rtp.Payload.ToArray());
        Assert.Equal(bytes.Length, rtp.Raw.Length);

        Assert.True(rtp.TryGetAudioLevel(1, out bool voice, out byte level));
        Assert.True(voice);
        Assert.Equal(30, level);
        Assert.True(rtp.TryGetAbsSendTime(2, out uint abs));
        Assert.Equal(0x123456u, abs);
        Assert.True(rtp.TryGetTransportSequenceNumber(3, out ushort twcc));
        Assert.Equal(0x0105, twcc);
        Assert.True(rtp.TryGetMid(4, out ReadOnlySpan<byte> mid));
        Assert.Equal("0"u8.ToArray(), mid.ToArray());

        Assert.False(rtp.TryGetExtension(5, out _));
        Assert.False(rtp.TryGetExtension(0, out _));
        Assert.False(rtp.TryGetExtension(15, out _));
        Assert.False(rtp.TryGetExtension(200, out _));
        // Typed getters insist on the right size: audio level (1 byte) is not an abs-send-time (3 bytes).
        Assert.False(rtp.TryGetAbsSendTime(1, out _));
        Assert.False(rtp.TryGetTransportSequenceNumber(2, out _));
    }

    [Fact]
    public void Vp8_packet_with_csrcs_two_byte_extensions_and_padding()
    {
        byte[] bytes = Packets.Vp8WithCsrcs();
        Assert.True(RtpPacket.TryParse(bytes, out RtpPacket rtp));

        Assert.True(rtp.Marker);
        Assert.Equal(96, rtp.PayloadType);
        Assert.Equal(0xffff, rtp.SequenceNumber);
        Assert.Equal(0xfffffff0u, rtp.Timestamp);
        Assert.Equal(0x11223344u, rtp.Ssrc);
        Assert.Equal(2, rtp.CsrcCount);
        Assert.Equal(10u, rtp.GetCsrc(0));
        Assert.Equal(11u, rtp.GetCsrc(1));
        Assert.Equal(0x1005, rtp.ExtensionProfile);
        Assert.Equal(12 + 8 + 4 + 28, rtp.HeaderLength);
        Assert.Equal(4, rtp.PaddingLength);
        Assert.Equal(Packets.Hex("90 80 12 34 9d 01 2a 80 02 e0 01"), rtp.Payload.ToArray());

        Assert.True(rtp.TryGetExtension(5, out ReadOnlySpan<byte> five));
        Assert.Equal(new byte[] { 0x0a, 0x0b }, five.ToArray());
        Assert.True(rtp.TryGetExtension(200, out ReadOnlySpan<byte> empty));
        Assert.True(empty.IsEmpty);
        Assert.True(rtp.TryGetExtension(7, out ReadOnlySpan<byte> seven));
        Assert.Equal("abcdefghijklmnopq"u8.ToArray(), seven.ToArray());
        Assert.True(rtp.TryFindExtension(7, out int offset, out int length));
        Assert.Equal((33, 17), (offset, length));
        Assert.False(rtp.TryGetExtension(6, out _));
        Assert.False(rtp.TryGetExtension(256, out _));
        Assert.False(rtp.TryGetMid(200, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => ParseAndGetCsrc(bytes, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ParseAndGetCsrc(bytes, -1));
    }

    private static uint ParseAndGetCsrc(byte[] bytes, int index)
    {
        Assert.True(RtpPacket.TryParse(bytes, out RtpPacket rtp));
        return rtp.GetCsrc(index);
    }

    [Fact]
    public void Minimal_packet_without_extension_or_payload()
    {
        byte[] bytes = Packets.Hex("80 00 00 01 00 00 00 02 00 00 00 03");
        Assert.True(RtpPacket.TryParse(bytes, out RtpPacket rtp));
        Assert.False(rtp.HasExtension);
        Assert.Equal(0, rtp.ExtensionProfile);
        Assert.Equal(12, rtp.HeaderLength);
        Assert.True(rtp.Payload.IsEmpty);
        Assert.False(rtp.TryGetExtension(1, out _));
    }

    [Fact]
    public void One_byte_id_15_stops_processing()
    {
        // RFC 8285 4.2: elements after ID 15 must not be considered.
        byte[] bytes = Packets.Hex("90 6f 00 01 00 00 00 02 00 00 00 03  be de 00 02  10 01 f0 20 02 00 00 00");
        Assert.True(RtpPacket.TryParse(bytes, out RtpPacket rtp));
        Assert.True(rtp.TryGetExtension(1, out _));
        Assert.False(rtp.TryGetExtension(2, out _));
    }

    [Fact]
    public void Unknown_extension_profile_yields_no_elements()
    {
        byte[] bytes = Packets.Hex("90 6f 00 01 00 00 00 02 00 00 00 03  ab cd 00 01  10 01 00 00");
        Assert.True(RtpPacket.TryParse(bytes, out RtpPacket rtp));
        Assert.Equal(0xabcd, rtp.ExtensionProfile);
        Assert.False(rtp.TryGetExtension(1, out _));
    }

    [Fact]
    public void Element_overrunning_the_block_is_not_returned()
    {
        // id 1 claims 4 bytes but the block holds 3 after it.
        byte[] oneByte = Packets.Hex("90 6f 00 01 00 00 00 02 00 00 00 03  be de 00 01  13 01 02 03");
        Assert.True(RtpPacket.TryParse(oneByte, out RtpPacket rtp));
        Assert.False(rtp.TryGetExtension(1, out _));

        // two-byte form: a lone id byte at the end of the block has no length byte.
        byte[] twoByte = Packets.Hex("90 6f 00 01 00 00 00 02 00 00 00 03  10 00 00 01  00 00 00 09");
        Assert.True(RtpPacket.TryParse(twoByte, out RtpPacket rtp2));
        Assert.False(rtp2.TryGetExtension(9, out _));
    }

    [Theory]
    [InlineData("40 6f 00 01 00 00 00 02 00 00 00 03")] // version 1
    [InlineData("c0 6f 00 01 00 00 00 02 00 00 00 03")] // version 3
    [InlineData("81 6f 00 01 00 00 00 02 00 00 00 03")] // one CSRC missing
    [InlineData("90 6f 00 01 00 00 00 02 00 00 00 03 be de")] // extension header cut
    [InlineData("90 6f 00 01 00 00 00 02 00 00 00 03 be de 00 02 10 01 00 00")] // extension length past the end
    [InlineData("a0 6f 00 01 00 00 00 02 00 00 00 03 aa bb 00")] // padding count 0
    [InlineData("a0 6f 00 01 00 00 00 02 00 00 00 03 aa bb 04")] // padding longer than the payload
    [InlineData("a0 6f 00 01 00 00 00 02 00 00 00 03")] // padding bit without any byte after the header
    [InlineData("80 6f 00 01 00 00 00 02 00 00 00")] // 11 bytes
    public void Malformed_packets_are_rejected(string hex)
    {
        Assert.False(RtpPacket.TryParse(Packets.Hex(hex), out _));
    }

    [Fact]
    public void Padding_may_take_the_whole_payload()
    {
        Assert.True(RtpPacket.TryParse(Packets.Hex("a0 6f 00 01 00 00 00 02 00 00 00 03 00 00 03"), out RtpPacket rtp));
        Assert.Equal(3, rtp.PaddingLength);
        Assert.True(rtp.Payload.IsEmpty);
    }

    [Fact]
    public void Every_truncation_fails_before_the_header_end_and_shortens_the_payload_after()
    {
        byte[] bytes = Packets.ChromeOpus();
        for (int length = 0; length < bytes.Length; length++)
        {
            bool ok = RtpPacket.TryParse(bytes.AsSpan(0, length), out RtpPacket rtp);
            Assert.Equal(length >= 28, ok);
            if (ok)
            {
                Assert.Equal(length - 28, rtp.Payload.Length);
            }
        }

        // With padding, a cut moves the padding count byte: whatever it reads, no prefix may parse out of bounds.
        byte[] vp8 = Packets.Vp8WithCsrcs();
        for (int length = 0; length < vp8.Length; length++)
        {
            if (RtpPacket.TryParse(vp8.AsSpan(0, length), out RtpPacket rtp))
            {
                Assert.Equal(length, rtp.HeaderLength + rtp.Payload.Length + rtp.PaddingLength);
            }
        }
    }

    [Theory]
    [InlineData(new byte[] { 128, 0 }, true, false)]
    [InlineData(new byte[] { 191, 111 }, true, false)]
    [InlineData(new byte[] { 0x80, 0xFF }, true, false)] // marker + PT 127 is RTP
    [InlineData(new byte[] { 0x80, 200 }, true, true)]
    [InlineData(new byte[] { 0x81, 206 }, true, true)]
    [InlineData(new byte[] { 0x80, 192 }, true, true)]
    [InlineData(new byte[] { 0x80, 223 }, true, true)]
    [InlineData(new byte[] { 0x80, 224 }, true, false)] // marker + PT 96 is RTP
    [InlineData(new byte[] { 0x80, 191 }, true, false)]
    [InlineData(new byte[] { 127, 200 }, false, false)] // below the RTP range
    [InlineData(new byte[] { 192, 200 }, false, false)] // above it
    [InlineData(new byte[] { 22, 254 }, false, false)] // DTLS
    [InlineData(new byte[] { 0, 1 }, false, false)] // STUN
    [InlineData(new byte[] { 0x80 }, true, false)]
    [InlineData(new byte[0], false, false)]
    public void Demultiplexing_follows_rfc_7983_and_5761(byte[] data, bool rtpOrRtcp, bool rtcp)
    {
        Assert.Equal(rtpOrRtcp, RtpPacket.IsRtpOrRtcp(data));
        Assert.Equal(rtcp, RtpPacket.IsRtcp(data));
    }
}
