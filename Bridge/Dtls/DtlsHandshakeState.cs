using Bridge.Srtp;
using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Bridge.Dtls;

/// <summary>
/// What the BouncyCastle server and client peers of one session share: the local credentials, the expected peer
/// fingerprint, the SRTP profile preference, and the outcome (keys, or the first failure reason seen).
/// </summary>
internal sealed class DtlsHandshakeState
{
    /// <summary>
    /// ECDHE with ECDSA certificates only (WebRTC certificates are ECDSA P-256); AES-128-GCM first as browsers
    /// prefer it, CBC-SHA last for old stacks.
    /// </summary>
    public static readonly int[] CipherSuites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    ];

    /// <summary>Key exchange groups, x25519 first as browsers do.</summary>
    public static readonly int[] Groups = [NamedGroup.x25519, NamedGroup.secp256r1];

    private int _failure = -1;

    public DtlsHandshakeState(DtlsCertificate local, DtlsRole role, SdpFingerprint expected, SrtpProfile[] profiles, ILogger logger)
    {
        Local = local;
        Role = role;
        Expected = expected;
        Profiles = profiles;
        Logger = logger;
    }

    public DtlsCertificate Local { get; }

    public DtlsRole Role { get; }

    public SdpFingerprint Expected { get; }

    /// <summary>Our SRTP profiles, most preferred first.</summary>
    public SrtpProfile[] Profiles { get; }

    public ILogger Logger { get; }

    /// <summary>Upper bound BouncyCastle applies to the whole handshake (the session also enforces it).</summary>
    public int HandshakeTimeoutMillis { get; set; }

    /// <summary>The first specific failure recorded by a peer callback, if any.</summary>
    public DtlsFailure? Failure
    {
        get
        {
            int value = Volatile.Read(ref _failure);
            return value < 0 ? null : (DtlsFailure)value;
        }
    }

    /// <summary>Set once the handshake completed and the keys were exported.</summary>
    public DtlsSrtpKeys? Keys { get; private set; }

    /// <summary>Raised (on the thread reading records) when the peer ends an established association.</summary>
    public Action? PeerClosed { get; set; }

    public void SetFailure(DtlsFailure failure) => Interlocked.CompareExchange(ref _failure, (int)failure, -1);

    /// <summary>
    /// Records that no SRTP profile was agreed and returns the handshake_failure alert to throw: without one the
    /// association is useless for media (RFC 5764 4.1.2 lets TLS continue, WebRTC cannot).
    /// </summary>
    public TlsFatalAlert NoCommonProfile(string detail)
    {
        SetFailure(DtlsFailure.NoCommonSrtpProfile);
        return new TlsFatalAlert(AlertDescription.handshake_failure, detail);
    }

    /// <summary>
    /// RFC 8122 5 / RFC 8827 6.5: the peer must present the certificate whose digest its SDP announced;
    /// no chain validation, the signaling channel vouches for the fingerprint.
    /// </summary>
    public void VerifyPeerCertificate(Certificate? chain)
    {
        if (chain is null || chain.IsEmpty || !Expected.Matches(chain.GetCertificateAt(0).GetEncoded()))
        {
            SetFailure(DtlsFailure.FingerprintMismatch);
            DtlsLog.FingerprintMismatch(Logger, Role, Expected.Algorithm);
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "Peer certificate does not match the SDP fingerprint");
        }
    }

    /// <summary>Our certificate and key as BouncyCastle signing credentials (ECDSA with SHA-256).</summary>
    public TlsCredentialedSigner CreateSigner(TlsContext context) =>
        new BcDefaultTlsCredentialedSigner(
            new TlsCryptoParameters(context),
            DtlsCrypto.Shared,
            Local.PrivateKey,
            Local.Chain,
            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));

    /// <summary>Exports the keys; must run inside NotifyHandshakeComplete, before BouncyCastle wipes the master secret.</summary>
    public void Complete(TlsContext context, SrtpProfile profile)
    {
        Keys = SrtpKeyingMaterial.Export(context, profile, Role);
    }

    public void AlertReceived(short level, short description)
    {
        DtlsLog.AlertReceived(Logger, Role, new DtlsAlert(level, description));
        bool ends = level == AlertLevel.fatal || description == AlertDescription.close_notify;
        if (!ends)
        {
            return;
        }

        if (Keys is not null)
        {
            PeerClosed?.Invoke();
            return;
        }

        SetFailure(DtlsFailure.Alert);

        // A fatal alert already aborts BouncyCastle's handshake; a close_notify mid-handshake would otherwise leave
        // it waiting for the timeout, so abort it here (RFC 5246 7.2.1: the peer is gone).
        if (level != AlertLevel.fatal)
        {
            throw new TlsFatalAlertReceived(description);
        }
    }

    public void AlertRaised(short level, short description, string? message, Exception? cause) =>
        DtlsLog.AlertRaised(Logger, Role, new DtlsAlert(level, description), message, cause);
}
