using System.Text;
using BridgeRelay;
using BridgeRelay.Link;

namespace Bridge.Tests.Relay.Link;

public class RelayHeaderTests
{
    [Fact]
    public void Writes_every_field_big_endian_at_its_offset()
    {
        var header = new RelayHeader(RelayKind.Rtcp, 7, 0x01020304, 0x0A0B0C0D0E0F1011, 0xCAFEBABE, 0x11223344);
        byte[] bytes = new byte[RelayHeader.Length];

        header.Write(bytes);

        Assert.Equal(Convert.FromHexString("5102070001020304" + "0A0B0C0D0E0F1011" + "CAFEBABE11223344"), bytes);
    }

    [Fact]
    public void Round_trips_every_field()
    {
        var header = new RelayHeader(RelayKind.Control, 16, uint.MaxValue, ulong.MaxValue - 1, 0x80000001, 0, flags: 0xA5, version: 9);
        byte[] bytes = new byte[RelayHeader.Length + 3];
        header.Write(bytes);

        Assert.True(RelayHeader.TryParse(bytes, out RelayHeader parsed));

        Assert.Equal(9, parsed.Version);
        Assert.Equal(RelayKind.Control, parsed.Kind);
        Assert.Equal(16, parsed.HopCount);
        Assert.Equal(0xA5, parsed.Flags);
        Assert.Equal(uint.MaxValue, parsed.LinkId);
        Assert.Equal(ulong.MaxValue - 1, parsed.Sequence);
        Assert.Equal(0x80000001u, parsed.ConferenceId);
        Assert.Equal(0u, parsed.SourceId);
        Assert.Equal(0x59, bytes[0]);
    }

    [Fact]
    public void Default_version_is_the_assembly_protocol_version_in_the_low_nibble()
    {
        byte[] bytes = new byte[RelayHeader.Length];
        new RelayHeader(RelayKind.Rtp, 0, 1, 1, 1, 1).Write(bytes);

        Assert.Equal(0x50 | RelayAssembly.ProtocolVersion, bytes[0]);
        Assert.Equal(0x51, bytes[0]);
    }

    [Theory]
    [InlineData(0x00, false)] // STUN
    [InlineData(0x03, false)]
    [InlineData(0x16, false)] // DTLS handshake
    [InlineData(0x3F, false)]
    [InlineData(0x4F, false)]
    [InlineData(0x50, true)]
    [InlineData(0x51, true)]
    [InlineData(0x5F, true)]
    [InlineData(0x60, false)]
    [InlineData(0x80, false)] // RTP/RTCP
    [InlineData(0xBF, false)]
    public void IsRelay_looks_at_the_first_byte_only(byte first, bool expected)
    {
        Assert.Equal(expected, RelayHeader.IsRelay([first]));
    }

    [Fact]
    public void IsRelay_is_false_on_empty_input()
    {
        Assert.False(RelayHeader.IsRelay([]));
    }

    [Fact]
    public void Rejects_every_truncation_and_unknown_kinds()
    {
        byte[] bytes = new byte[RelayHeader.Length];
        new RelayHeader(RelayKind.Rtp, 0, 1, 1, 1, 1).Write(bytes);
        for (int length = 0; length < RelayHeader.Length; length++)
        {
            Assert.False(RelayHeader.TryParse(bytes.AsSpan(0, length), out _));
        }

        foreach (byte kind in new byte[] { 0, 4, 0xFF })
        {
            bytes[1] = kind;
            Assert.False(RelayHeader.TryParse(bytes, out _));
        }

        bytes[1] = 1;
        bytes[0] = 0x80;
        Assert.False(RelayHeader.TryParse(bytes, out _));
    }

    [Theory]
    [InlineData("", 0x811C9DC5u)]
    [InlineData("a", 0xE40C292Cu)]
    [InlineData("foobar", 0xBF9CF968u)]
    public void ConferenceIdOf_is_fnv1a_32(string name, uint expected)
    {
        // Reference values of the FNV-1a 32-bit test suite (draft-eastlake-fnv §8).
        Assert.Equal(expected, RelayHeader.ConferenceIdOf(name));
    }

    [Theory]
    [InlineData("réunion-générale")]
    [InlineData("会議室")]
    [InlineData("emoji 🎥 room")]
    [InlineData("lone \ud800 surrogate")]
    public void ConferenceIdOf_hashes_the_utf8_bytes(string name)
    {
        uint expected = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(name))
        {
            expected = (expected ^ b) * 16777619;
        }

        Assert.Equal(expected, RelayHeader.ConferenceIdOf(name));
    }
}
