using Bridge.Srtp;
using Org.BouncyCastle.Tls;

namespace Bridge.Dtls;

/// <summary>Splits the DTLS exporter output into per-direction SRTP master keys and salts (RFC 5764 4.2).</summary>
internal static class SrtpKeyingMaterial
{
    public const int MasterKeyLength = 16;

    /// <summary>Master salt length: 112 bits for AES-CM (RFC 3711 8.2), 96 bits for AEAD-GCM (RFC 7714 12).</summary>
    public static int MasterSaltLength(SrtpProfile profile) => profile == SrtpProfile.AeadAes128Gcm ? 12 : 14;

    /// <summary>How many bytes to ask the "EXTRACTOR-dtls_srtp" exporter for: 2 * (key + salt).</summary>
    public static int ExportLength(SrtpProfile profile) => 2 * (MasterKeyLength + MasterSaltLength(profile));

    /// <summary>Exports the SRTP keying material from a context whose handshake has just completed.</summary>
    public static DtlsSrtpKeys Export(TlsContext context, SrtpProfile profile, DtlsRole role)
    {
        byte[] material = context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, ExportLength(profile));
        try
        {
            return Split(profile, material, role);
        }
        finally
        {
            Array.Clear(material);
        }
    }

    /// <summary>
    /// The exporter output is client_write_key | server_write_key | client_write_salt | server_write_salt;
    /// the client protects with the client halves, the server with the server halves.
    /// </summary>
    public static DtlsSrtpKeys Split(SrtpProfile profile, ReadOnlySpan<byte> material, DtlsRole role)
    {
        int key = MasterKeyLength;
        int salt = MasterSaltLength(profile);
        if (material.Length != 2 * (key + salt))
        {
            throw new ArgumentException("Keying material length does not match the profile.", nameof(material));
        }

        byte[] clientKey = material[..key].ToArray();
        byte[] serverKey = material.Slice(key, key).ToArray();
        byte[] clientSalt = material.Slice(2 * key, salt).ToArray();
        byte[] serverSalt = material.Slice((2 * key) + salt, salt).ToArray();

        return role == DtlsRole.Server
            ? new DtlsSrtpKeys(profile, serverKey, serverSalt, clientKey, clientSalt)
            : new DtlsSrtpKeys(profile, clientKey, clientSalt, serverKey, serverSalt);
    }
}
