namespace Bridge.Dtls;

/// <summary>Which side of the DTLS handshake this endpoint plays (RFC 5763 5: a=setup:passive is the server).</summary>
public enum DtlsRole
{
    /// <summary>Waits for the peer's ClientHello (a=setup:passive).</summary>
    Server,

    /// <summary>Sends the ClientHello (a=setup:active).</summary>
    Client,
}
