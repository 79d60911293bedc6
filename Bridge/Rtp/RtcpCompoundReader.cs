namespace Bridge.Rtp;

/// <summary>Iterates the packets of an RTCP compound (RFC 3550 6.1) without allocating; stops for good at the first malformed packet.</summary>
public ref struct RtcpCompoundReader
{
    private ReadOnlySpan<byte> _remaining;

    /// <summary>Starts reading at the beginning of <paramref name="compound"/>.</summary>
    public RtcpCompoundReader(ReadOnlySpan<byte> compound) => _remaining = compound;

    /// <summary>True once a packet with a bad version, length or padding was met; nothing more is read after that.</summary>
    public bool IsMalformed { get; private set; }

    /// <summary>Reads the next packet; false at the end of the compound or when it is malformed.</summary>
    public bool TryReadNext(out RtcpPacket packet)
    {
        if (_remaining.IsEmpty)
        {
            packet = default;
            return false;
        }

        if (!RtcpPacket.TryParse(_remaining, out packet))
        {
            IsMalformed = true;
            _remaining = default;
            return false;
        }

        _remaining = _remaining[packet.Length..];
        return true;
    }
}
