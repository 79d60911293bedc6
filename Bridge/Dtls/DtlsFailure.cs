namespace Bridge.Dtls;

/// <summary>Why a DTLS handshake did not produce SRTP keys.</summary>
public enum DtlsFailure
{
    /// <summary>The handshake did not finish within the caller's timeout.</summary>
    Timeout,

    /// <summary>The peer's certificate does not hash to the fingerprint from its SDP (RFC 8122 5).</summary>
    FingerprintMismatch,

    /// <summary>The peers share no SRTP protection profile (RFC 5764 4.1.2).</summary>
    NoCommonSrtpProfile,

    /// <summary>The peer sent a fatal alert (or close_notify) during the handshake.</summary>
    Alert,

    /// <summary>The session was disposed or the caller cancelled before the handshake finished.</summary>
    Closed,

    /// <summary>Any other protocol error (malformed message, no common cipher suite, bad signature...).</summary>
    Protocol,
}
