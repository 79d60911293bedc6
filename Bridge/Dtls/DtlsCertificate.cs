using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Org.BouncyCastle.X509;
using TlsCertificateChain = Org.BouncyCastle.Tls.Certificate;

namespace Bridge.Dtls;

/// <summary>An ECDSA P-256 self-signed certificate with its private key, as WebRTC endpoints use for DTLS (RFC 8827 6.5).</summary>
public sealed class DtlsCertificate
{
    private readonly byte[] _der;

    private DtlsCertificate(byte[] der, ECPrivateKeyParameters privateKey)
    {
        _der = der;
        PrivateKey = privateKey;
        Fingerprint = SdpFingerprint.Format(SHA256.HashData(der));

        // One TLS chain object per certificate, shared by every session that presents it.
        Chain = new TlsCertificateChain([new BcTlsCertificate(DtlsCrypto.Shared, der)]);
    }

    /// <summary>The hash function of <see cref="Fingerprint"/> as SDP names it.</summary>
    public string FingerprintAlgorithm => "sha-256";

    /// <summary>SHA-256 of the DER certificate as upper-case hex pairs joined by colons, as in a=fingerprint.</summary>
    public string Fingerprint { get; }

    /// <summary>The DER encoding of the certificate.</summary>
    internal ReadOnlyMemory<byte> DerEncoding => _der;

    internal ECPrivateKeyParameters PrivateKey { get; }

    internal TlsCertificateChain Chain { get; }

    /// <summary>
    /// Creates a fresh key pair on P-256 and a self-signed certificate valid from a day before now to 30 days after
    /// (the day of slack tolerates peers whose clocks run behind).
    /// </summary>
    public static DtlsCertificate CreateSelfSigned(string commonName = "bridge", TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        DateTimeOffset now = (time ?? TimeProvider.System).GetUtcNow();
        SecureRandom random = DtlsCrypto.Shared.SecureRandom;

        // Named curve (not explicit parameters): browsers only accept named P-256 keys.
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        var keys = generator.GenerateKeyPair();

        var name = new X509Name([X509Name.CN], [commonName]);
        var builder = new X509V3CertificateGenerator();

        // RFC 5280 4.1.2.2: a positive serial of at most 20 octets.
        builder.SetSerialNumber(new BigInteger(64, random).Add(BigInteger.One));
        builder.SetIssuerDN(name);
        builder.SetSubjectDN(name);
        builder.SetNotBefore(now.AddDays(-1).UtcDateTime);
        builder.SetNotAfter(now.AddDays(30).UtcDateTime);
        builder.SetPublicKey(keys.Public);
        X509Certificate certificate = builder.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", keys.Private, random));

        return new DtlsCertificate(certificate.GetEncoded(), (ECPrivateKeyParameters)keys.Private);
    }

    /// <summary>
    /// Parses an a=fingerprint value such as "sha-256 AB:CD:...". Returns false (with empty outputs) for anything
    /// malformed, an unknown or forbidden hash function, or a digest of the wrong length.
    /// </summary>
    public static bool TryParseSdpFingerprint(string value, out string algorithm, out byte[] hash)
    {
        if (SdpFingerprint.TryParse(value, out SdpFingerprint parsed))
        {
            algorithm = parsed.Algorithm;
            hash = parsed.Hash;
            return true;
        }

        algorithm = string.Empty;
        hash = [];
        return false;
    }
}
