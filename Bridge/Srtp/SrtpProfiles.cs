namespace Bridge.Srtp;

/// <summary>Key, salt and overhead sizes of each <see cref="SrtpProfile"/> (RFC 5764 4.1.2, RFC 7714 14.2).</summary>
public static class SrtpProfiles
{
    /// <summary>Largest number of bytes protect adds to any RTP or RTCP packet, for sizing buffers.</summary>
    public const int MaxOverhead = 20;

    /// <summary>The SRTCP trailer word holding the E flag and the 31-bit SRTCP index (RFC 3711 3.4).</summary>
    internal const int RtcpIndexLength = 4;

    /// <summary>Master key length in bytes: 16 for both AES-128 suites.</summary>
    public static int MasterKeyLength(SrtpProfile profile) => profile switch
    {
        SrtpProfile.AesCm128HmacSha1Tag80 or SrtpProfile.AeadAes128Gcm => 16,
        _ => throw Unknown(profile),
    };

    /// <summary>Master salt length in bytes: 14 for AES-CM (RFC 3711 8.2), 12 for GCM (RFC 7714 12).</summary>
    public static int MasterSaltLength(SrtpProfile profile) => profile switch
    {
        SrtpProfile.AesCm128HmacSha1Tag80 => 14,
        SrtpProfile.AeadAes128Gcm => 12,
        _ => throw Unknown(profile),
    };

    /// <summary>Bytes protect appends to an RTP packet: the 80-bit HMAC tag or the 16-byte GCM tag.</summary>
    public static int RtpOverhead(SrtpProfile profile) => TagLength(profile);

    /// <summary>Bytes protect appends to an RTCP packet: the E||index word plus the tag.</summary>
    public static int RtcpOverhead(SrtpProfile profile) => RtcpIndexLength + TagLength(profile);

    internal static int TagLength(SrtpProfile profile) => profile switch
    {
        SrtpProfile.AesCm128HmacSha1Tag80 => 10,
        SrtpProfile.AeadAes128Gcm => 16,
        _ => throw Unknown(profile),
    };

    private static ArgumentOutOfRangeException Unknown(SrtpProfile profile) =>
        new(nameof(profile), profile, "Unknown SRTP protection profile.");
}
