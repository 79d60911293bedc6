namespace Bridge.Srtp;

/// <summary>
/// The cryptographic half of one suite, given session keys: encrypts and authenticates whole RTP/RTCP
/// packets in place at an index the caller (<see cref="SrtpContext"/>) has already worked out.
/// </summary>
internal abstract class SrtpTransform : IDisposable
{
    /// <summary>The E flag of the SRTCP index word: set when the payload is encrypted (RFC 3711 3.4).</summary>
    protected const uint EncryptedFlag = 0x8000_0000;

    /// <summary>The suite this transform implements.</summary>
    public abstract SrtpProfile Profile { get; }

    /// <summary>Authentication tag length in bytes, for both RTP and RTCP.</summary>
    public int TagLength => SrtpProfiles.TagLength(Profile);

    /// <summary>Distance of the E||SRTCP index word from the end of an SRTCP packet.</summary>
    public abstract int RtcpIndexFromEnd { get; }

    /// <summary>Encrypts <paramref name="packet"/>[header..^tag] and writes the tag into its last <see cref="TagLength"/> bytes.</summary>
    public abstract void ProtectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index);

    /// <summary>Verifies the tag of a whole SRTP packet and, only if it verifies, decrypts its payload in place.</summary>
    public abstract bool UnprotectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index);

    /// <summary>Encrypts the RTCP packet in the first Length - 4 - tag bytes and writes E||index and tag after it.</summary>
    public abstract void ProtectRtcp(Span<byte> packet, uint ssrc, uint index);

    /// <summary>Verifies a whole SRTCP packet whose E||index word is <paramref name="indexWord"/> and decrypts it if E is set.</summary>
    public abstract bool UnprotectRtcp(Span<byte> packet, uint ssrc, uint indexWord);

    public abstract void Dispose();
}
