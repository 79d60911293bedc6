namespace Bridge.Srtp;

/// <summary>Outcome of unprotecting one SRTP or SRTCP packet.</summary>
public enum SrtpError
{
    /// <summary>The packet authenticated and was decrypted in place.</summary>
    None,

    /// <summary>The packet is shorter than its fixed header plus the suite's trailer.</summary>
    TooShort,

    /// <summary>The packet is not RTP/RTCP version 2 or its header runs past its end.</summary>
    Malformed,

    /// <summary>The authentication tag did not verify (forged, corrupted or wrong keys).</summary>
    AuthenticationFailed,

    /// <summary>The packet index was already accepted or is older than the replay window (RFC 3711 3.3.2).</summary>
    Replayed,

    /// <summary>The packet names a new SSRC and the context already tracks its maximum number of SSRCs.</summary>
    TooManySsrcs,
}
