using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Bridge.Dtls;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Dtls;

public class DtlsCertificateTests
{
    [Fact]
    public void Fingerprint_is_the_sha256_of_the_der_certificate_in_sdp_form()
    {
        DtlsCertificate certificate = DtlsCertificate.CreateSelfSigned();
        byte[] digest = SHA256.HashData(certificate.DerEncoding.Span);

        Assert.Equal("sha-256", certificate.FingerprintAlgorithm);
        Assert.Equal(string.Join(':', digest.Select(b => b.ToString("X2", null))), certificate.Fingerprint);
        Assert.True(DtlsCertificate.TryParseSdpFingerprint($"{certificate.FingerprintAlgorithm} {certificate.Fingerprint}", out _, out byte[] parsed));
        Assert.Equal(digest, parsed);
    }

    [Fact]
    public void Certificate_is_self_signed_p256_ecdsa_valid_from_a_day_ago_for_thirty_days()
    {
        var now = new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero);
        DtlsCertificate certificate = DtlsCertificate.CreateSelfSigned("viewer-42", new FakeTimeProvider(now));
        using var x509 = X509CertificateLoader.LoadCertificate(certificate.DerEncoding.Span);
        using ECDsa? key = x509.GetECDsaPublicKey();

        Assert.Equal("CN=viewer-42", x509.Subject);
        Assert.Equal(x509.Subject, x509.Issuer);
        Assert.Equal(now.AddDays(-1).UtcDateTime, x509.NotBefore.ToUniversalTime());
        Assert.Equal(now.AddDays(30).UtcDateTime, x509.NotAfter.ToUniversalTime());
        Assert.NotNull(key);
        Assert.Equal(256, key.KeySize);
        Assert.Equal("1.2.840.10045.4.3.2", x509.SignatureAlgorithm.Value); // ecdsa-with-SHA256

        // Self-signed: the signature over the TBS part verifies with the certificate's own key.
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(x509);
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        Assert.True(chain.Build(x509), string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }

    [Fact]
    public void Each_certificate_has_its_own_key_and_fingerprint()
    {
        DtlsCertificate a = DtlsCertificate.CreateSelfSigned();
        DtlsCertificate b = DtlsCertificate.CreateSelfSigned();
        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
    }

    [Fact]
    public void Empty_common_name_is_refused()
    {
        Assert.Throws<ArgumentException>(() => DtlsCertificate.CreateSelfSigned(" "));
    }
}
