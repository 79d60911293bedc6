using System.Buffers.Binary;
using Bridge.Dtls;
using Bridge.Srtp;

namespace Bridge.Tests.Dtls;

/// <summary>
/// Chromium offers DTLS 1.3 with 1.2 fallback: its ClientHello carries supported_versions {DTLS 1.3, DTLS 1.2},
/// key_share, TLS 1.3 cipher suites and GREASE. The DTLS 1.2 server must answer with a plain DTLS 1.2 ServerHello.
/// </summary>
public class Dtls13ClientHelloTests
{
    private static readonly DtlsCertificate ServerCertificate = DtlsCertificate.CreateSelfSigned("server");
    private static readonly DtlsCertificate ClientCertificate = DtlsCertificate.CreateSelfSigned("client");

    [Theory]
    [InlineData(0xFEFD)] // RFC 9147 5.1: legacy_record_version {254, 253}
    [InlineData(0xFEFF)] // ... or {254, 255} for the initial ClientHello
    public async Task Server_answers_a_dtls13_capable_client_hello_with_dtls12_and_use_srtp(int recordVersion)
    {
        var sent = new CapturingSender();
        using var server = new DtlsSession(
            ServerCertificate, DtlsRole.Server, $"sha-256 {ClientCertificate.Fingerprint}", sent,
            [SrtpProfile.AeadAes128Gcm, SrtpProfile.AesCm128HmacSha1Tag80]);
        Task<DtlsSrtpKeys> handshake = server.HandshakeAsync(TimeSpan.FromSeconds(2));

        // With an X25519MLKEM768 key share the ClientHello outgrows one datagram, so it arrives in fragments.
        List<byte[]> datagrams = BuildClientHelloDatagrams((ushort)recordVersion, maxFragment: 1000);
        Assert.True(datagrams.Count >= 2);
        foreach (byte[] datagram in datagrams)
        {
            server.Enqueue(datagram);
        }

        Assert.Equal(0, server.DroppedDatagrams);
        byte[] first = await sent.First.WaitAsync(TimeSpan.FromSeconds(5));

        // Record: handshake, DTLS 1.2, epoch 0. Handshake header: server_hello, unfragmented.
        Assert.Equal(22, first[0]);
        Assert.Equal(0xFEFD, BinaryPrimitives.ReadUInt16BigEndian(first.AsSpan(1)));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(first.AsSpan(3)));
        ReadOnlySpan<byte> message = first.AsSpan(13);
        Assert.Equal(2, message[0]);
        ReadOnlySpan<byte> hello = message[12..];

        // ServerHello: version DTLS 1.2 and, because 1.2 is the server's highest version, no RFC 8446 4.1.3
        // downgrade sentinel that would make a DTLS 1.3 client abort.
        Assert.Equal(0xFEFD, BinaryPrimitives.ReadUInt16BigEndian(hello));
        ReadOnlySpan<byte> random = hello.Slice(2, 32);
        Assert.False(random[24..].SequenceEqual("DOWNGRD\u0001"u8));
        Assert.False(random[24..].SequenceEqual("DOWNGRD\u0000"u8));

        int at = 2 + 32;
        at += 1 + hello[at];                                   // session_id
        ushort suite = BinaryPrimitives.ReadUInt16BigEndian(hello[at..]);
        at += 2 + 1;                                           // cipher suite, compression
        Dictionary<ushort, byte[]> extensions = ParseExtensions(hello[(at + 2)..(at + 2 + BinaryPrimitives.ReadUInt16BigEndian(hello[at..]))]);

        Assert.Equal(0xC02B, suite); // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, not a TLS 1.3 suite
        Assert.False(extensions.ContainsKey(43), "supported_versions must not appear in a DTLS 1.2 ServerHello");
        Assert.False(extensions.ContainsKey(51), "key_share must not appear in a DTLS 1.2 ServerHello");
        Assert.Equal([0x00, 0x02, 0x00, 0x07, 0x00], extensions[14]); // use_srtp: AEAD_AES_128_GCM, empty MKI
        Assert.True(extensions.ContainsKey(23), "extended_master_secret");

        // The server then waits for a client flight that never comes.
        var failure = await Assert.ThrowsAsync<DtlsHandshakeException>(() => handshake);
        Assert.Equal(DtlsFailure.Timeout, failure.Reason);
    }

    /// <summary>A ClientHello shaped like BoringSSL's when DTLS 1.3 is enabled for WebRTC, one record per fragment.</summary>
    private static List<byte[]> BuildClientHelloDatagrams(ushort recordVersion, int maxFragment)
    {
        var body = new List<byte>();
        Add16(body, 0xFEFD);                                   // legacy_version
        body.AddRange(Enumerable.Range(1, 32).Select(i => (byte)i));
        body.Add(0);                                           // legacy_session_id
        body.Add(0);                                           // legacy_cookie
        ushort[] suites = [0x0A0A, 0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0xCCA9, 0xCCA8, 0xC009, 0xC013];
        Add16(body, suites.Length * 2);
        foreach (ushort suite in suites)
        {
            Add16(body, suite);
        }

        body.AddRange([1, 0]);                                 // compression: null

        var extensions = new List<byte>();
        AddExtension(extensions, 0x1A1A, []);                  // GREASE
        AddExtension(extensions, 0xFF01, [0]);                 // renegotiation_info
        AddExtension(extensions, 10, [0, 8, 0x2A, 0x2A, 0x11, 0xEC, 0x00, 0x1D, 0x00, 0x17]); // GREASE, X25519MLKEM768, x25519, P-256
        AddExtension(extensions, 11, [1, 0]);                  // ec_point_formats: uncompressed
        AddExtension(extensions, 13, [0, 8, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01, 0x05, 0x03]);
        AddExtension(extensions, 14, [0, 4, 0x00, 0x07, 0x00, 0x01, 0]); // use_srtp: GCM, AES-CM, no MKI
        AddExtension(extensions, 23, []);                      // extended_master_secret
        AddExtension(extensions, 43, [6, 0x3A, 0x3A, 0xFE, 0xFC, 0xFE, 0xFD]); // supported_versions: GREASE, DTLS 1.3, 1.2
        AddExtension(extensions, 45, [1, 1]);                  // psk_key_exchange_modes: psk_dhe_ke
        var keyShare = new List<byte>();
        Add16(keyShare, 2 + 2 + 1216 + 2 + 2 + 32);
        Add16(keyShare, 0x11EC);
        Add16(keyShare, 1216);
        keyShare.AddRange(Enumerable.Repeat((byte)7, 1216));
        Add16(keyShare, 0x001D);
        Add16(keyShare, 32);
        keyShare.AddRange(Enumerable.Repeat((byte)9, 32));
        AddExtension(extensions, 51, [.. keyShare]);           // key_share: X25519MLKEM768, x25519
        Add16(body, extensions.Count);
        body.AddRange(extensions);

        var datagrams = new List<byte[]>();
        for (int offset = 0, sequence = 0; offset < body.Count; offset += maxFragment, sequence++)
        {
            int length = Math.Min(maxFragment, body.Count - offset);
            var record = new List<byte> { 22 };
            Add16(record, recordVersion);
            record.AddRange([0, 0, 0, 0, 0, 0, 0, (byte)sequence]); // epoch 0
            Add16(record, 12 + length);
            record.Add(1);                                     // client_hello
            Add24(record, body.Count);
            Add16(record, 0);                                  // message_seq
            Add24(record, offset);                             // fragment_offset
            Add24(record, length);                             // fragment_length
            record.AddRange(body.GetRange(offset, length));
            datagrams.Add([.. record]);
        }

        return datagrams;
    }

    private static Dictionary<ushort, byte[]> ParseExtensions(ReadOnlySpan<byte> data)
    {
        var result = new Dictionary<ushort, byte[]>();
        while (data.Length >= 4)
        {
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(data);
            int length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
            result[type] = data.Slice(4, length).ToArray();
            data = data[(4 + length)..];
        }

        Assert.True(data.IsEmpty);
        return result;
    }

    private static void AddExtension(List<byte> to, ushort type, byte[] data)
    {
        Add16(to, type);
        Add16(to, data.Length);
        to.AddRange(data);
    }

    private static void Add16(List<byte> to, int value) => to.AddRange([(byte)(value >> 8), (byte)value]);

    private static void Add24(List<byte> to, int value) => to.AddRange([(byte)(value >> 16), (byte)(value >> 8), (byte)value]);

    private sealed class CapturingSender : IDtlsDatagramSender
    {
        private readonly TaskCompletionSource<byte[]> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<byte[]> First => _first.Task;

        public void Send(ReadOnlySpan<byte> datagram) => _first.TrySetResult(datagram.ToArray());
    }
}
