using Bridge.Srtp;
using Org.BouncyCastle.Tls;

namespace Bridge.Dtls;

/// <summary>
/// BouncyCastle client peer for DTLS-SRTP: offers DTLS 1.2 with our SRTP profiles (RFC 5764 4.1.1), presents our
/// certificate when asked and checks the server's against the SDP fingerprint.
/// </summary>
internal sealed class SrtpDtlsClient : DefaultTlsClient
{
    private readonly DtlsHandshakeState _state;
    private SrtpProfile? _selected;

    public SrtpDtlsClient(DtlsHandshakeState state)
        : base(DtlsCrypto.Shared)
    {
        _state = state;
    }

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => DtlsHandshakeState.CipherSuites;

    protected override IList<int> GetSupportedGroups(IList<int> namedGroupRoles) => DtlsHandshakeState.Groups;

    public override int GetHandshakeTimeoutMillis() => _state.HandshakeTimeoutMillis;

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        IDictionary<int, byte[]> extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        int[] offered = Array.ConvertAll(_state.Profiles, static p => (int)p);
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(offered, []));
        return extensions;
    }

    /// <summary>
    /// RFC 5764 4.1.1/4.1.3: the server must answer with exactly one of our profiles and, since we offered none,
    /// an empty MKI. A server that omits use_srtp shares no profile with us.
    /// </summary>
    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);

        UseSrtpData? answer = serverExtensions is null ? null : TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions);
        if (answer is null)
        {
            throw _state.NoCommonProfile("Server did not negotiate SRTP");
        }

        if (answer.ProtectionProfiles.Length != 1
            || Array.IndexOf(_state.Profiles, (SrtpProfile)answer.ProtectionProfiles[0]) < 0
            || answer.Mki.Length != 0)
        {
            _state.SetFailure(DtlsFailure.Protocol);
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "Server chose an SRTP profile or MKI we did not offer");
        }

        _selected = (SrtpProfile)answer.ProtectionProfiles[0];
    }

    public override TlsAuthentication GetAuthentication() => new FingerprintAuthentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        _state.Complete(m_context, _selected ?? throw _state.NoCommonProfile("No SRTP profile was negotiated"));
    }

    public override void NotifyAlertReceived(short alertLevel, short alertDescription) =>
        _state.AlertReceived(alertLevel, alertDescription);

    public override void NotifyAlertRaised(short alertLevel, short alertDescription, string message, Exception cause) =>
        _state.AlertRaised(alertLevel, alertDescription, message, cause);

    /// <summary>Fingerprint check of the server certificate, and our certificate for the server's CertificateRequest.</summary>
    private sealed class FingerprintAuthentication(SrtpDtlsClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) =>
            client._state.VerifyPeerCertificate(serverCertificate?.Certificate);

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            client._state.CreateSigner(client.m_context);
    }
}
