using Bridge.Dtls;
using Bridge.Srtp;

namespace Bridge.Tests.Dtls;

public class SrtpKeyingMaterialTests
{
    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80, 14, 60)]
    [InlineData(SrtpProfile.AeadAes128Gcm, 12, 56)]
    public void Export_length_is_twice_key_plus_salt(SrtpProfile profile, int salt, int total)
    {
        Assert.Equal(salt, SrtpKeyingMaterial.MasterSaltLength(profile));
        Assert.Equal(total, SrtpKeyingMaterial.ExportLength(profile));
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1Tag80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void Material_splits_as_client_key_server_key_client_salt_server_salt(SrtpProfile profile)
    {
        int salt = SrtpKeyingMaterial.MasterSaltLength(profile);
        byte[] material = Enumerable.Range(0, SrtpKeyingMaterial.ExportLength(profile)).Select(i => (byte)i).ToArray();
        byte[] clientKey = material[..16];
        byte[] serverKey = material[16..32];
        byte[] clientSalt = material[32..(32 + salt)];
        byte[] serverSalt = material[(32 + salt)..];

        DtlsSrtpKeys server = SrtpKeyingMaterial.Split(profile, material, DtlsRole.Server);
        DtlsSrtpKeys client = SrtpKeyingMaterial.Split(profile, material, DtlsRole.Client);

        Assert.Equal(profile, server.Profile);
        Assert.Equal(serverKey, server.LocalMasterKey);
        Assert.Equal(serverSalt, server.LocalMasterSalt);
        Assert.Equal(clientKey, server.RemoteMasterKey);
        Assert.Equal(clientSalt, server.RemoteMasterSalt);
        Assert.Equal(clientKey, client.LocalMasterKey);
        Assert.Equal(clientSalt, client.LocalMasterSalt);
        Assert.Equal(serverKey, client.RemoteMasterKey);
        Assert.Equal(serverSalt, client.RemoteMasterSalt);
    }

    [Fact]
    public void Material_of_the_wrong_length_is_refused()
    {
        Assert.Throws<ArgumentException>(() => SrtpKeyingMaterial.Split(SrtpProfile.AeadAes128Gcm, new byte[60], DtlsRole.Server));
    }
}
