using System.Buffers.Binary;
using System.Text;

namespace BridgeRelay.Link;

/// <summary>The 24-byte big-endian header in front of every relay datagram; it is also the AEAD's associated data.</summary>
public readonly struct RelayHeader
{
    /// <summary>Header length in bytes.</summary>
    public const int Length = 24;

    /// <summary>Highest hop count a receiver accepts; a tree deeper than this is a loop or a misconfiguration.</summary>
    public const int MaxHops = 16;

    /// <summary>High nibble of byte 0. 0x50-0x5F lies outside STUN (0-3), DTLS (20-63) and RTP/RTCP (128-191), RFC 7983 §7.</summary>
    private const byte Marker = 0x50;

    /// <summary>Creates a header with the given fields; <paramref name="version"/> defaults to this assembly's protocol version.</summary>
    public RelayHeader(RelayKind kind, byte hopCount, uint linkId, ulong sequence, uint conferenceId, uint sourceId, byte flags = 0, byte version = RelayAssembly.ProtocolVersion)
    {
        Version = version;
        Kind = kind;
        HopCount = hopCount;
        Flags = flags;
        LinkId = linkId;
        Sequence = sequence;
        ConferenceId = conferenceId;
        SourceId = sourceId;
    }

    /// <summary>Protocol version, the low nibble of byte 0 (0-15).</summary>
    public byte Version { get; }

    /// <summary>What the payload is.</summary>
    public RelayKind Kind { get; }

    /// <summary>Number of relay links this payload has crossed before this one (0 on the first link).</summary>
    public byte HopCount { get; }

    /// <summary>Reserved flags: senders write 0, receivers ignore them.</summary>
    public byte Flags { get; }

    /// <summary>Link id chosen by the control plane, identical at both ends.</summary>
    public uint LinkId { get; }

    /// <summary>Per-direction datagram counter: starts at 1, strictly increasing, never reused (it is the nonce).</summary>
    public ulong Sequence { get; }

    /// <summary>Conference the payload belongs to (<see cref="ConferenceIdOf"/>); 0 for link-level control.</summary>
    public uint ConferenceId { get; }

    /// <summary>The publisher's SSRC for media; 0 for control.</summary>
    public uint SourceId { get; }

    /// <summary>True when the first byte is in 0x50-0x5F, i.e. the datagram belongs to a relay link on the shared media port.</summary>
    public static bool IsRelay(ReadOnlySpan<byte> datagram) => !datagram.IsEmpty && (datagram[0] & 0xF0) == Marker;

    /// <summary>Parses the header; false when too short, not a relay datagram or the kind is unknown. Any version is parsed so the caller can tell BadVersion apart.</summary>
    public static bool TryParse(ReadOnlySpan<byte> datagram, out RelayHeader header)
    {
        if (datagram.Length < Length || !IsRelay(datagram) || datagram[1] is < (byte)RelayKind.Rtp or > (byte)RelayKind.Control)
        {
            header = default;
            return false;
        }

        header = new RelayHeader(
            (RelayKind)datagram[1],
            datagram[2],
            BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]),
            BinaryPrimitives.ReadUInt64BigEndian(datagram[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(datagram[16..]),
            BinaryPrimitives.ReadUInt32BigEndian(datagram[20..]),
            datagram[3],
            (byte)(datagram[0] & 0x0F));
        return true;
    }

    /// <summary>Writes the 24 header bytes; <paramref name="destination"/> must hold at least <see cref="Length"/> bytes.</summary>
    public void Write(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Length, nameof(destination));
        destination[0] = (byte)(Marker | (Version & 0x0F));
        destination[1] = (byte)Kind;
        destination[2] = HopCount;
        destination[3] = Flags;
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], LinkId);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Sequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], ConferenceId);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], SourceId);
    }

    /// <summary>
    /// FNV-1a 32-bit hash of the UTF-8 conference name, so both ends derive the same id without a lookup.
    /// Ids can collide: a bridge must refuse to host a second local conference whose id equals an existing one's.
    /// Lone surrogates hash as U+FFFD, exactly as <see cref="Encoding.UTF8"/> would encode them.
    /// </summary>
    public static uint ConferenceIdOf(string conferenceName)
    {
        ArgumentNullException.ThrowIfNull(conferenceName);
        const uint OffsetBasis = 2166136261;
        const uint Prime = 16777619;
        uint hash = OffsetBasis;
        Span<byte> utf8 = stackalloc byte[4];
        foreach (Rune rune in conferenceName.EnumerateRunes())
        {
            int n = rune.EncodeToUtf8(utf8);
            for (int i = 0; i < n; i++)
            {
                hash = (hash ^ utf8[i]) * Prime;
            }
        }

        return hash;
    }
}
