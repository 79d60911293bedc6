using Bridge.Dtls;

namespace Bridge.Tests.Dtls;

public class DtlsRecordFilterTests
{
    // An epoch-0 handshake record (sequence 2) holding a 12-byte fragment header, then an epoch-1 (encrypted) alert.
    private static readonly byte[] TwoRecords =
    [
        22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 2, 0, 12, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        21, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 9, 0, 3, 7, 7, 7,
    ];

    private const int FirstRecordLength = 25;

    [Theory]
    [InlineData("16FEFD0000000000000002000C010000000000000000000000")] // handshake, DTLS 1.2
    [InlineData("16FEFF0000000000000000000C010000000000000000000000")] // handshake, DTLS 1.0 record version
    [InlineData("14FEFD00000000000000030001" + "01")]                  // change_cipher_spec
    [InlineData("15FEFD00000000000000040002" + "0200")]                // fatal alert in the clear
    [InlineData("17FEFD00010000000000050003" + "AABBCC")]              // epoch-1 application data
    [InlineData("16FEFD" + "0000" + "0000000003FF" + "000C" + "010000000000000000000000")] // highest plausible epoch-0 sequence
    [InlineData("16FEFD0000000000000002001C"                            // two fragments of one ClientHello
        + "010000040000000000000002AAAA" + "010000040000000002000002BBBB")]
    public void Well_formed_records_pass(string hex) =>
        Assert.True(DtlsRecordFilter.IsPlausible(Convert.FromHexString(hex)));

    [Theory]
    [InlineData("13FEFD0000000000000002000C010000000000000000000000")] // content type below change_cipher_spec
    [InlineData("18FEFD0000000000000002000C010000000000000000000000")] // heartbeat: never negotiated
    [InlineData("2F0102030405")]                                       // DTLS 1.3 unified header: never negotiated
    [InlineData("1603030000000000000002000C010000000000000000000000")] // TLS, not DTLS
    [InlineData("16FEFC0000000000000002000C010000000000000000000000")] // DTLS 1.3 is never a record version
    [InlineData("16FEFD0000000100000000000C010000000000000000000000")] // epoch-0 sequence beyond any handshake
    [InlineData("16FEFD0000000000000002000D010000000000000000000000")] // length one past the end
    [InlineData("16FEFD00000000000000020002" + "0100")]                // handshake shorter than its header
    [InlineData("14FEFD00000000000000030001" + "02")]                  // change_cipher_spec with a bad value
    [InlineData("14FEFD00000000000000030002" + "0101")]                // change_cipher_spec too long
    [InlineData("15FEFD00000000000000040002" + "0300")]                // alert level neither warning nor fatal
    [InlineData("15FEFD00000000000000040003" + "020000")]              // plaintext alert too long
    [InlineData("17FEFD00000000000000050003" + "AABBCC")]              // application data before the handshake
    [InlineData("16FEFD" + "0000" + "000000000400" + "000C" + "010000000000000000000000")] // epoch-0 sequence 1024
    [InlineData("16FEFD0000000000000002000C" + "140000000000000000000000")] // finished is never in the clear
    [InlineData("16FEFD0000000000000002000E" + "010000010000000000000002AAAA")] // fragment beyond its message
    [InlineData("16FEFD0000000000000002000E" + "010000040000000000000003AAAA")] // fragment beyond its record
    [InlineData("16FEFD0000000000000002000E" + "010000040400000000000002AAAA")] // message_seq beyond any handshake
    [InlineData("16FEFD00000000000000020010" + "010000040000000000000002AAAA" + "0100")] // second fragment header truncated
    public void Malformed_records_fail(string hex) =>
        Assert.False(DtlsRecordFilter.IsPlausible(Convert.FromHexString(hex)));

    [Fact]
    public void Several_records_in_one_datagram_pass()
    {
        Assert.True(DtlsRecordFilter.IsPlausible(TwoRecords));
    }

    [Fact]
    public void Every_truncation_except_at_a_record_boundary_fails()
    {
        for (int length = 0; length < TwoRecords.Length; length++)
        {
            Assert.Equal(length == FirstRecordLength, DtlsRecordFilter.IsPlausible(TwoRecords.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Large_sequence_numbers_are_fine_after_epoch_zero()
    {
        byte[] datagram = TwoRecords[FirstRecordLength..];
        datagram[5] = 0xFF;
        Assert.True(DtlsRecordFilter.IsPlausible(datagram));
    }

    [Fact]
    public void Bit_flips_and_random_bytes_never_throw()
    {
        int accepted = 0;
        for (int bit = 0; bit < TwoRecords.Length * 8; bit++)
        {
            byte[] flipped = (byte[])TwoRecords.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            accepted += DtlsRecordFilter.IsPlausible(flipped) ? 1 : 0;
        }

        // Flips inside the record bodies or low sequence bits keep the datagram well-formed; header damage does not.
        Assert.InRange(accepted, 1, (TwoRecords.Length * 8) - 1);

        var random = new Random(6347);
        for (int i = 0; i < 5000; i++)
        {
            byte[] datagram = new byte[random.Next(0, 64)];
            random.NextBytes(datagram);
            DtlsRecordFilter.IsPlausible(datagram);
        }
    }
}
