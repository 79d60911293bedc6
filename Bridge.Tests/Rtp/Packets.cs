namespace Bridge.Tests.Rtp;

/// <summary>Hand-built packets laid out per the RFCs, shaped like what Chrome sends.</summary>
internal static class Packets
{
    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal));

    /// <summary>
    /// Chrome Opus packet: PT 111, one-byte extensions (RFC 8285 4.2) as Chrome's default extmap numbers them:
    /// 1 ssrc-audio-level (V=1, 30 dBov), 2 abs-send-time 0x123456, 3 transport-wide seq 0x0105, 4 mid "0", one padding byte.
    /// </summary>
    public static byte[] ChromeOpus() => Hex(
        "90 6f 4a 3c  8e 2b 7c 10  2b 7d 4e 91" +
        "be de 00 03  10 9e 22 12  34 56 31 01  05 40 30 00" +
        "78 0b e4 c1 36 ec c5 8d 8c 49 46 99");

    /// <summary>
    /// VP8 packet with marker, PT 96, two CSRCs, two-byte extensions (RFC 8285 4.3, appbits 0x5): id 5 = 0x0a0b,
    /// a padding byte, id 200 with zero length, id 7 with a 17-byte value (too long for the one-byte form); then 4 bytes of RTP padding.
    /// </summary>
    public static byte[] Vp8WithCsrcs() => Hex(
        "b2 e0 ff ff  ff ff ff f0  11 22 33 44" +
        "00 00 00 0a  00 00 00 0b" +
        "10 05 00 07  05 02 0a 0b  00 c8 00 07  11 61 62 63  64 65 66 67  68 69 6a 6b  6c 6d 6e 6f  70 71 00 00" +
        "90 80 12 34  9d 01 2a 80  02 e0 01" +
        "00 00 00 04");

    /// <summary>SR with one report block followed by SDES with a 16-character CNAME (RFC 3550 6.4.1, 6.5).</summary>
    public static byte[] SenderReportAndSdes() => Hex(
        "81 c8 00 0c  2b 7d 4e 91" +
        "e8 9a 1c 2d  40 00 00 00  8e 2b 7c 10  00 00 01 f4  00 01 86 a0" +
        "11 22 33 44  0a ff ff fe  00 01 23 45  00 00 00 20  1c 2d 40 00  00 00 80 00" +
        "81 ca 00 06  2b 7d 4e 91  01 10 61 62  63 64 65 66  67 68 69 6a  6b 6c 6d 6e  6f 70 00 00");

    /// <summary>RR with one block, then REMB (draft-alvestrand-rmcat-remb-03) for one SSRC: exponent 4, mantissa 0x2F5E3 = 3,104,304 bps.</summary>
    public static byte[] ReceiverReportAndRemb() => Hex(
        "81 c9 00 07  00 00 00 01" +
        "2b 7d 4e 91  05 00 00 10  00 02 4a 3c  00 00 00 1e  7c 10 00 00  00 01 00 00" +
        "8f ce 00 05  00 00 00 01  00 00 00 00  52 45 4d 42  01 12 f5 e3  2b 7d 4e 91");

    /// <summary>PLI from a viewer (RFC 4585 6.3.1).</summary>
    public static byte[] Pli() => Hex("81 ce 00 02  00 00 00 01  2b 7d 4e 91");

    /// <summary>FIR with two entries (RFC 5104 4.3.1).</summary>
    public static byte[] Fir() => Hex("84 ce 00 06  00 00 00 01  00 00 00 00  2b 7d 4e 91  07 00 00 00  11 22 33 44  08 00 00 00");

    /// <summary>NACK with items PID 100 BLP 0x8005 (lost 100, 101, 103, 116) and PID 65535 BLP 0x0001 (lost 65535, 0).</summary>
    public static byte[] Nack() => Hex("81 cd 00 04  00 00 00 01  2b 7d 4e 91  00 64 80 05  ff ff 00 01");

    /// <summary>
    /// Transport-wide feedback laid out per draft-holmer-rmcat-transport-wide-cc-extensions-01 3.1: base 65533, 30 statuses,
    /// reference time -2, feedback count 7; chunks: run of 5 small (0x2005), one-bit vector 10110000000001 (0xAC01),
    /// two-bit vector 01 10 00 10 01 00 11 (0xD893), run of 4 not received (0x0004); 15 delta bytes and one padding byte (P set).
    /// </summary>
    public static byte[] Twcc() => Hex(
        "af cd 00 0a  00 00 00 01  2b 7d 4e 91  ff fd 00 1e  ff ff fe 07" +
        "20 05 ac 01  d8 93 00 04" +
        "04 00 10 ff  01 02 03 04  05 08 ff f0  01 00 09 01");

    /// <summary>Chrome-shaped TWCC (the bytes of pion/rtcp's "example4"): base 4, run of 7 small deltas, 3 padding bytes.</summary>
    public static byte[] TwccChrome() => Hex(
        "af cd 00 07  fa 17 fa 17  19 3d d8 bb  00 04 00 07  10 63 6e 01  20 07 4c 24  24 10 0c 0c  10 00 00 03");
}
