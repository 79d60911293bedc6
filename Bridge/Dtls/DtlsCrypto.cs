using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Bridge.Dtls;

/// <summary>The BouncyCastle TLS crypto provider shared by all sessions (stateless apart from its thread-safe RNG).</summary>
internal static class DtlsCrypto
{
    public static BcTlsCrypto Shared { get; } = new(new SecureRandom());
}
