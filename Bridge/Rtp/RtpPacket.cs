using System.Buffers.Binary;

namespace Bridge.Rtp;

/// <summary>Zero-copy view over one RTP packet (RFC 3550 5.1) with RFC 8285 header extension lookup.</summary>
/// <remarks>Only meaningful after <see cref="TryParse"/> returned true; every offset it exposes was bounds-checked there.</remarks>
public readonly ref struct RtpPacket
{
    /// <summary>Length of the fixed RTP header before CSRCs.</summary>
    public const int FixedHeaderLength = 12;

    /// <summary>The "defined by profile" value of the one-byte extension form (RFC 8285 4.2).</summary>
    public const ushort OneByteExtensionProfile = 0xBEDE;

    /// <summary>The two-byte extension form uses 0x100 followed by 4 application bits (RFC 8285 4.3).</summary>
    public const ushort TwoByteExtensionProfileMask = 0xFFF0;

    /// <summary>The value of the top 12 bits of a two-byte extension profile (RFC 8285 4.3).</summary>
    public const ushort TwoByteExtensionProfile = 0x1000;

    private readonly ReadOnlySpan<byte> _raw;
    private readonly int _extensionOffset;
    private readonly int _extensionLength;

    private RtpPacket(ReadOnlySpan<byte> raw, int headerLength, int paddingLength, int extensionOffset, int extensionLength)
    {
        _raw = raw;
        HeaderLength = headerLength;
        PaddingLength = paddingLength;
        _extensionOffset = extensionOffset;
        _extensionLength = extensionLength;
    }

    /// <summary>RFC 7983 demultiplexing: RTP and RTCP both start with a byte in 128..191 (version 2).</summary>
    public static bool IsRtpOrRtcp(ReadOnlySpan<byte> d) => !d.IsEmpty && d[0] >= 128 && d[0] <= 191;

    /// <summary>RFC 5761 4: with rtcp-mux, RTCP packet types 192..223 sit where RTP's marker bit and payload types 64..95 would.</summary>
    public static bool IsRtcp(ReadOnlySpan<byte> d) => d.Length >= 2 && IsRtpOrRtcp(d) && d[1] >= 192 && d[1] <= 223;

    /// <summary>Validates version, CSRC list, extension block and padding against the buffer and returns a view over it.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out RtpPacket rtp)
    {
        rtp = default;
        if (packet.Length < FixedHeaderLength || packet[0] >> 6 != 2)
        {
            return false;
        }

        int headerLength = FixedHeaderLength + (4 * (packet[0] & 0x0F));
        int extensionOffset = 0;
        int extensionLength = 0;
        if ((packet[0] & 0x10) != 0)
        {
            // RFC 3550 5.3.1: 16-bit profile, 16-bit length in 32-bit words excluding this 4-byte header.
            if (packet.Length < headerLength + 4)
            {
                return false;
            }

            extensionLength = 4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(headerLength + 2)..]);
            extensionOffset = headerLength + 4;
            headerLength = extensionOffset + extensionLength;
        }

        if (headerLength > packet.Length)
        {
            return false;
        }

        int paddingLength = 0;
        if ((packet[0] & 0x20) != 0)
        {
            // RFC 3550 5.1: the last octet counts the padding octets including itself, so it cannot be 0.
            paddingLength = packet[^1];
            if (paddingLength == 0 || paddingLength > packet.Length - headerLength)
            {
                return false;
            }
        }

        rtp = new RtpPacket(packet, headerLength, paddingLength, extensionOffset, extensionLength);
        return true;
    }

    /// <summary>The marker bit.</summary>
    public bool Marker => (_raw[1] & 0x80) != 0;

    /// <summary>The 7-bit payload type.</summary>
    public byte PayloadType => (byte)(_raw[1] & 0x7F);

    /// <summary>The 16-bit sequence number.</summary>
    public ushort SequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(_raw[2..]);

    /// <summary>The 32-bit media timestamp.</summary>
    public uint Timestamp => BinaryPrimitives.ReadUInt32BigEndian(_raw[4..]);

    /// <summary>The synchronization source.</summary>
    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_raw[8..]);

    /// <summary>Number of contributing sources (0..15).</summary>
    public int CsrcCount => _raw[0] & 0x0F;

    /// <summary>The contributing source at <paramref name="index"/> (0-based).</summary>
    public uint GetCsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, CsrcCount);
        return BinaryPrimitives.ReadUInt32BigEndian(_raw[(FixedHeaderLength + (4 * index))..]);
    }

    /// <summary>The X bit: a header extension block follows the CSRCs.</summary>
    public bool HasExtension => (_raw[0] & 0x10) != 0;

    /// <summary>The 16-bit "defined by profile" field of the extension block, 0 when there is none.</summary>
    public ushort ExtensionProfile => HasExtension ? BinaryPrimitives.ReadUInt16BigEndian(_raw[(_extensionOffset - 4)..]) : (ushort)0;

    /// <summary>Bytes before the payload: fixed header, CSRCs and the whole extension block.</summary>
    public int HeaderLength { get; }

    /// <summary>Padding octets at the end (including the count octet), 0 when the P bit is clear.</summary>
    public int PaddingLength { get; }

    /// <summary>The payload without header and padding.</summary>
    public ReadOnlySpan<byte> Payload => _raw[HeaderLength..^PaddingLength];

    /// <summary>The whole packet as parsed.</summary>
    public ReadOnlySpan<byte> Raw => _raw;

    /// <summary>Finds the value of extension element <paramref name="id"/> (1..14 one-byte form, 1..255 two-byte form).</summary>
    public bool TryGetExtension(int id, out ReadOnlySpan<byte> value)
    {
        if (TryFindExtension(id, out int offset, out int length))
        {
            value = _raw.Slice(offset, length);
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Locates extension element <paramref name="id"/> as an offset and length into <see cref="Raw"/>, for in-place rewriting.</summary>
    /// <remarks>Elements are walked per RFC 8285 4.2/4.3: ID 0 is a padding byte, ID 15 in the one-byte form ends processing, and an element overrunning the block makes the lookup fail.</remarks>
    public bool TryFindExtension(int id, out int offset, out int length)
    {
        offset = 0;
        length = 0;
        if (!HasExtension)
        {
            return false;
        }

        ushort profile = ExtensionProfile;
        bool oneByte = profile == OneByteExtensionProfile;
        bool twoByte = (profile & TwoByteExtensionProfileMask) == TwoByteExtensionProfile;
        if (!(oneByte && id is >= 1 and <= 14) && !(twoByte && id is >= 1 and <= 255))
        {
            return false;
        }

        ReadOnlySpan<byte> block = _raw.Slice(_extensionOffset, _extensionLength);
        int i = 0;
        while (i < block.Length)
        {
            int elementId = oneByte ? block[i] >> 4 : block[i];
            if (elementId == 0)
            {
                i++;
                continue;
            }

            int elementLength;
            int dataStart;
            if (oneByte)
            {
                if (elementId == 15)
                {
                    return false;
                }

                elementLength = (block[i] & 0x0F) + 1;
                dataStart = i + 1;
            }
            else
            {
                if (i + 1 >= block.Length)
                {
                    return false;
                }

                elementLength = block[i + 1];
                dataStart = i + 2;
            }

            if (elementLength > block.Length - dataStart)
            {
                return false;
            }

            if (elementId == id)
            {
                offset = _extensionOffset + dataStart;
                length = elementLength;
                return true;
            }

            i = dataStart + elementLength;
        }

        return false;
    }

    /// <summary>abs-send-time (webrtc.org http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time): 24-bit 6.18 fixed-point seconds.</summary>
    public bool TryGetAbsSendTime(int id, out uint absSendTime24)
    {
        absSendTime24 = 0;
        if (!TryGetExtension(id, out ReadOnlySpan<byte> v) || v.Length != 3)
        {
            return false;
        }

        absSendTime24 = (uint)((v[0] << 16) | (v[1] << 8) | v[2]);
        return true;
    }

    /// <summary>Transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01 2); the 4-byte "-02" variant appends a feedback request after it.</summary>
    public bool TryGetTransportSequenceNumber(int id, out ushort sequence)
    {
        sequence = 0;
        if (!TryGetExtension(id, out ReadOnlySpan<byte> v) || (v.Length != 2 && v.Length != 4))
        {
            return false;
        }

        sequence = BinaryPrimitives.ReadUInt16BigEndian(v);
        return true;
    }

    /// <summary>The BUNDLE media identification (RFC 8843 15.2): a non-empty token.</summary>
    public bool TryGetMid(int id, out ReadOnlySpan<byte> mid) => TryGetExtension(id, out mid) && !mid.IsEmpty;

    /// <summary>Client-to-mixer audio level (RFC 6464 3): V flag and level in -dBov (0 loudest, 127 silence).</summary>
    public bool TryGetAudioLevel(int id, out bool voiceActivity, out byte level)
    {
        voiceActivity = false;
        level = 0;
        if (!TryGetExtension(id, out ReadOnlySpan<byte> v) || v.IsEmpty)
        {
            return false;
        }

        voiceActivity = (v[0] & 0x80) != 0;
        level = (byte)(v[0] & 0x7F);
        return true;
    }
}
