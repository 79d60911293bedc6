namespace Bridge.Rtp;

/// <summary>16-bit RTP sequence number comparison with wrap-around (RFC 3550 A.1, RFC 1982 serial arithmetic).</summary>
public static class SequenceNumbers
{
    /// <summary>True when <paramref name="a"/> comes after <paramref name="b"/> in serial order.</summary>
    /// <remarks>RFC 1982 leaves a distance of exactly 2^15 undefined; like libwebrtc we break that tie by plain value so the relation stays asymmetric.</remarks>
    public static bool IsNewer(ushort a, ushort b)
    {
        ushort diff = unchecked((ushort)(a - b));
        return diff == 0x8000 ? a > b : diff != 0 && diff < 0x8000;
    }

    /// <summary>Signed shortest distance from <paramref name="from"/> to <paramref name="to"/>: positive when <paramref name="to"/> is newer, in [-32768, 32767].</summary>
    public static int Distance(ushort from, ushort to) => unchecked((short)(to - from));
}
