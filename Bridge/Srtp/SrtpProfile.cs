namespace Bridge.Srtp;

/// <summary>DTLS-SRTP protection profiles the bridge speaks, with their IANA ids (RFC 5764 4.1.2, RFC 7714 14.2).</summary>
public enum SrtpProfile : ushort
{
    /// <summary>SRTP_AES128_CM_HMAC_SHA1_80: AES-128 counter mode, 80-bit HMAC-SHA1 tag (RFC 3711).</summary>
    AesCm128HmacSha1Tag80 = 0x0001,

    /// <summary>SRTP_AEAD_AES_128_GCM: AES-128 GCM with a 16-byte tag (RFC 7714).</summary>
    AeadAes128Gcm = 0x0007,
}
