using Bridge.Srtp;

namespace Bridge.Dtls;

/// <summary>
/// SRTP master keys and salts exported from a finished DTLS handshake (RFC 5764 4.2).
/// Local is what this endpoint protects its outgoing packets with (the server write key for the server role);
/// remote is what it unprotects the peer's packets with.
/// </summary>
public sealed record DtlsSrtpKeys(
    SrtpProfile Profile,
    byte[] LocalMasterKey,
    byte[] LocalMasterSalt,
    byte[] RemoteMasterKey,
    byte[] RemoteMasterSalt);
