using Bridge.Srtp;
using Org.BouncyCastle.Tls;

namespace Bridge.Dtls;

/// <summary>
/// BouncyCastle server peer for DTLS-SRTP: DTLS 1.2 only, ECDHE-ECDSA, mutual certificate authentication checked
/// against the SDP fingerprint, and use_srtp negotiation (RFC 5764 4.1).
/// </summary>
internal sealed class SrtpDtlsServer : DefaultTlsServer
{
    private readonly DtlsHandshakeState _state;
    private SrtpProfile? _selected;

    public SrtpDtlsServer(DtlsHandshakeState state)
        : base(DtlsCrypto.Shared)
    {
        _state = state;
    }

    /// <summary>
    /// DTLS 1.2 only. A DTLS 1.3-capable ClientHello (supported_versions listing 1.3 and 1.2) negotiates 1.2; since
    /// 1.2 is also our latest version no downgrade sentinel is written into ServerHello.random (RFC 8446 4.1.3).
    /// </summary>
    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => DtlsHandshakeState.CipherSuites;

    protected override bool PreferLocalCipherSuites() => true;

    public override int[] GetSupportedGroups() => DtlsHandshakeState.Groups;

    public override int GetHandshakeTimeoutMillis() => _state.HandshakeTimeoutMillis;

    protected override TlsCredentialedSigner GetECDsaSignerCredentials() => _state.CreateSigner(m_context);

    /// <summary>WebRTC authenticates both ends (RFC 8827 6.5), so always ask for the client's ECDSA certificate.</summary>
    public override CertificateRequest GetCertificateRequest() =>
        new(
            [ClientCertificateType.ecdsa_sign],
            [
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa),
                new SignatureAndHashAlgorithm(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa),
                new SignatureAndHashAlgorithm(HashAlgorithm.sha512, SignatureAlgorithm.ecdsa),
            ],
            null);

    public override void NotifyClientCertificate(Certificate clientCertificate) =>
        _state.VerifyPeerCertificate(clientCertificate);

    /// <summary>
    /// RFC 5764 4.1.1: pick one profile the client offered; we take the first of OUR preference order it lists.
    /// </summary>
    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);

        UseSrtpData? offer = clientExtensions is null ? null : TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions);
        if (offer is not null)
        {
            foreach (SrtpProfile profile in _state.Profiles)
            {
                if (Array.IndexOf(offer.ProtectionProfiles, (int)profile) >= 0)
                {
                    _selected = profile;
                    DtlsLog.ProfileChosen(_state.Logger, DtlsRole.Server, profile);
                    return;
                }
            }
        }

        throw _state.NoCommonProfile("No common SRTP protection profile");
    }

    /// <summary>Echo use_srtp with the chosen profile and an empty MKI (RFC 5764 4.1.1: we do not use MKIs).</summary>
    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        IDictionary<int, byte[]> extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
        SrtpProfile selected = _selected ?? throw _state.NoCommonProfile("Client sent no use_srtp extension");
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([(int)selected], []));
        return extensions;
    }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        _state.Complete(m_context, _selected ?? throw _state.NoCommonProfile("No SRTP profile was negotiated"));
    }

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) =>
        _state.AlertReceived(alertLevel, alertDescription);

    public override void NotifyAlertRaised(short alertLevel, short alertDescription, string message, Exception cause) =>
        _state.AlertRaised(alertLevel, alertDescription, message, cause);
}
