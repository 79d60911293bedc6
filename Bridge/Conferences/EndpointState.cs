namespace Bridge.Conferences;

/// <summary>
/// Life of an endpoint:
/// Created --remote description--> Negotiated --first valid ICE check--> Connected --DTLS done--> Secure;
/// any state --timeout, DTLS failure, consent lost or API delete--> Expired.
/// </summary>
public enum EndpointState
{
    /// <summary>Allocated; waiting for the browser's SDP offer.</summary>
    Created,
    /// <summary>Remote description set; waiting for ICE.</summary>
    Negotiated,
    /// <summary>ICE check verified, remote address known; DTLS running.</summary>
    Connected,
    /// <summary>DTLS finished, SRTP keys in place: media flows.</summary>
    Secure,
    /// <summary>Gone: removed from every table, its packets are dropped.</summary>
    Expired,
}
