using System.Buffers.Binary;
using System.Diagnostics;
using Bridge.Dtls;
using Bridge.Srtp;

namespace Bridge.Tests.Dtls;

public class DtlsSessionTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(8);
    private static readonly SrtpProfile[] Both = [SrtpProfile.AeadAes128Gcm, SrtpProfile.AesCm128HmacSha1Tag80];
    private static readonly DtlsCertificate ServerCertificate = DtlsCertificate.CreateSelfSigned("server");
    private static readonly DtlsCertificate ClientCertificate = DtlsCertificate.CreateSelfSigned("client");
    private static readonly DtlsCertificate StrangerCertificate = DtlsCertificate.CreateSelfSigned("stranger");

    private static string Sdp(DtlsCertificate certificate) => $"{certificate.FingerprintAlgorithm} {certificate.Fingerprint}";

    [Fact]
    public async Task Both_offer_gcm_and_aes_cm_so_gcm_is_chosen_and_keys_mirror()
    {
        using var link = new Link(Both, Both);
        (DtlsSrtpKeys server, DtlsSrtpKeys client) = await link.HandshakeBoth();

        Assert.Equal(SrtpProfile.AeadAes128Gcm, server.Profile);
        Assert.Equal(SrtpProfile.AeadAes128Gcm, client.Profile);
        AssertMirrored(server, client, saltLength: 12);
    }

    [Fact]
    public async Task Client_offering_only_aes_cm_gets_aes_cm()
    {
        using var link = new Link(Both, [SrtpProfile.AesCm128HmacSha1Tag80]);
        (DtlsSrtpKeys server, DtlsSrtpKeys client) = await link.HandshakeBoth();

        Assert.Equal(SrtpProfile.AesCm128HmacSha1Tag80, server.Profile);
        Assert.Equal(SrtpProfile.AesCm128HmacSha1Tag80, client.Profile);
        AssertMirrored(server, client, saltLength: 14);
    }

    [Fact]
    public async Task Server_preference_order_wins_over_the_client_order()
    {
        using var link = new Link([SrtpProfile.AesCm128HmacSha1Tag80, SrtpProfile.AeadAes128Gcm], Both);
        (DtlsSrtpKeys server, DtlsSrtpKeys client) = await link.HandshakeBoth();

        Assert.Equal(SrtpProfile.AesCm128HmacSha1Tag80, server.Profile);
        AssertMirrored(server, client, saltLength: 14);
    }

    [Fact]
    public async Task Two_handshakes_derive_different_keys()
    {
        using var first = new Link(Both, Both);
        using var second = new Link(Both, Both);
        (DtlsSrtpKeys a, _) = await first.HandshakeBoth();
        (DtlsSrtpKeys b, _) = await second.HandshakeBoth();

        Assert.NotEqual(a.LocalMasterKey, b.LocalMasterKey);
    }

    [Fact]
    public async Task Server_rejects_a_client_certificate_that_does_not_match_the_fingerprint()
    {
        using var link = new Link(Both, Both, serverExpects: Sdp(StrangerCertificate));
        var clock = Stopwatch.StartNew();
        Task<DtlsSrtpKeys> server = link.Server.HandshakeAsync(Limit);
        Task<DtlsSrtpKeys> client = link.Client.HandshakeAsync(Limit);

        Assert.Equal(DtlsFailure.FingerprintMismatch, (await Assert.ThrowsAsync<DtlsHandshakeException>(() => server)).Reason);
        Assert.Equal(DtlsFailure.Alert, (await Assert.ThrowsAsync<DtlsHandshakeException>(() => client)).Reason);
        Assert.True(clock.Elapsed < Limit, $"took {clock.Elapsed}");
        await link.Server.Closed.WaitAsync(Limit);
    }

    [Fact]
    public async Task Client_rejects_a_server_certificate_that_does_not_match_the_fingerprint()
    {
        using var link = new Link(Both, Both, clientExpects: Sdp(StrangerCertificate));
        var clock = Stopwatch.StartNew();
        Task<DtlsSrtpKeys> server = link.Server.HandshakeAsync(Limit);
        Task<DtlsSrtpKeys> client = link.Client.HandshakeAsync(Limit);

        Assert.Equal(DtlsFailure.FingerprintMismatch, (await Assert.ThrowsAsync<DtlsHandshakeException>(() => client)).Reason);
        Assert.Equal(DtlsFailure.Alert, (await Assert.ThrowsAsync<DtlsHandshakeException>(() => server)).Reason);
        Assert.True(clock.Elapsed < Limit, $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task No_common_srtp_profile_fails_both_sides()
    {
        using var link = new Link([SrtpProfile.AesCm128HmacSha1Tag80], [SrtpProfile.AeadAes128Gcm]);
        Task<DtlsSrtpKeys> server = link.Server.HandshakeAsync(Limit);
        Task<DtlsSrtpKeys> client = link.Client.HandshakeAsync(Limit);

        Assert.Equal(DtlsFailure.NoCommonSrtpProfile, (await Assert.ThrowsAsync<DtlsHandshakeException>(() => server)).Reason);
        Assert.Equal(DtlsFailure.Alert, (await Assert.ThrowsAsync<DtlsHandshakeException>(() => client)).Reason);
    }

    [Fact]
    public async Task Client_whose_peer_never_answers_times_out_after_retransmitting()
    {
        var silent = new CountingSender();
        using var client = new DtlsSession(ClientCertificate, DtlsRole.Client, Sdp(ServerCertificate), silent, Both);
        TimeSpan timeout = TimeSpan.FromSeconds(1.5);
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<DtlsHandshakeException>(() => client.HandshakeAsync(timeout));

        Assert.Equal(DtlsFailure.Timeout, failure.Reason);
        Assert.InRange(clock.Elapsed, timeout - TimeSpan.FromMilliseconds(100), timeout + TimeSpan.FromSeconds(2));
        Assert.True(silent.Count >= 2, $"ClientHello sent {silent.Count} times; expected a retransmission after 1 s");
        Assert.True(client.Closed.IsCompleted);
    }

    [Fact]
    public async Task Server_that_hears_nothing_times_out_without_sending()
    {
        var silent = new CountingSender();
        using var server = new DtlsSession(ServerCertificate, DtlsRole.Server, Sdp(ClientCertificate), silent, Both);
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<DtlsHandshakeException>(() => server.HandshakeAsync(TimeSpan.FromSeconds(1)));

        Assert.Equal(DtlsFailure.Timeout, failure.Reason);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        Assert.Equal(0, silent.Count);
    }

    [Fact]
    public async Task Random_garbage_before_and_during_the_handshake_does_not_stop_it()
    {
        using var link = new Link(Both, Both);
        var random = new Random(5764);
        (DtlsSrtpKeys server, DtlsSrtpKeys client) = await HandshakeUnderNoise(link, () => RandomGarbage(random));

        AssertMirrored(server, client, saltLength: 12);
        Assert.True(link.Server.DroppedDatagrams > 0);
    }

    [Fact]
    public async Task Record_shaped_garbage_before_and_during_the_handshake_does_not_stop_it()
    {
        using var link = new Link(Both, Both);
        var random = new Random(7983);
        (DtlsSrtpKeys server, DtlsSrtpKeys client) = await HandshakeUnderNoise(link, () => RecordShapedGarbage(random));

        AssertMirrored(server, client, saltLength: 12);
    }

    [Fact]
    public async Task Only_garbage_ends_in_timeout_not_a_crash_or_hang()
    {
        var silent = new CountingSender();
        using var server = new DtlsSession(ServerCertificate, DtlsRole.Server, Sdp(ClientCertificate), silent, Both);
        var random = new Random(6347);
        Task<DtlsSrtpKeys> handshake = server.HandshakeAsync(TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();
        while (!handshake.IsCompleted && clock.Elapsed < Limit)
        {
            server.Enqueue(random.Next(2) == 0 ? RandomGarbage(random) : RecordShapedGarbage(random));
            await Task.Delay(1);
        }

        var failure = await Assert.ThrowsAsync<DtlsHandshakeException>(() => handshake);
        Assert.True(failure.Reason is DtlsFailure.Timeout or DtlsFailure.Protocol or DtlsFailure.Alert, $"reason {failure.Reason}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Lost_server_finished_is_resent_when_the_client_retransmits()
    {
        using var link = new Link(Both, Both);

        // Drop the server's first ChangeCipherSpec and first epoch-1 record (its Finished), once each.
        bool droppedCcs = false, droppedFinished = false;
        link.ServerLink.Filter = datagram =>
        {
            ReadOnlySpan<byte> d = datagram.Span;
            if (!droppedCcs && d[0] == 20)
            {
                droppedCcs = true;
                return false;
            }

            if (!droppedFinished && d.Length > 13 && d[0] == 22 && BinaryPrimitives.ReadUInt16BigEndian(d[3..]) == 1)
            {
                droppedFinished = true;
                return false;
            }

            return true;
        };

        (DtlsSrtpKeys server, DtlsSrtpKeys client) = await link.HandshakeBoth();

        Assert.True(droppedCcs && droppedFinished);
        AssertMirrored(server, client, saltLength: 12);
    }

    [Fact]
    public async Task Disposing_one_side_sends_close_notify_and_the_other_sees_closed()
    {
        using var link = new Link(Both, Both);
        await link.HandshakeBoth();
        Assert.False(link.Server.Closed.IsCompleted);

        link.Client.Dispose();

        await link.Server.Closed.WaitAsync(Limit);
        Assert.True(link.Client.Closed.IsCompleted);
    }

    [Fact]
    public async Task Garbage_after_the_handshake_leaves_the_association_up()
    {
        using var link = new Link(Both, Both);
        await link.HandshakeBoth();
        var random = new Random(9147);
        for (int i = 0; i < 200; i++)
        {
            link.Server.Enqueue(RecordShapedGarbage(random));
            link.Server.Enqueue(RandomGarbage(random));
        }

        await Task.Delay(300);
        Assert.False(link.Server.Closed.IsCompleted);

        // Still processing records: the client's close_notify gets through.
        link.Client.Dispose();
        await link.Server.Closed.WaitAsync(Limit);
    }

    [Fact]
    public async Task Dispose_during_the_handshake_fails_it_as_closed()
    {
        var silent = new CountingSender();
        var client = new DtlsSession(ClientCertificate, DtlsRole.Client, Sdp(ServerCertificate), silent, Both);
        Task<DtlsSrtpKeys> handshake = client.HandshakeAsync(Limit);
        await Task.Delay(100);
        var clock = Stopwatch.StartNew();

        client.Dispose();

        Assert.Equal(DtlsFailure.Closed, (await Assert.ThrowsAsync<DtlsHandshakeException>(() => handshake)).Reason);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        await client.Closed.WaitAsync(Limit);
    }

    [Fact]
    public async Task Caller_cancellation_fails_the_handshake_as_closed()
    {
        using var client = new DtlsSession(ClientCertificate, DtlsRole.Client, Sdp(ServerCertificate), new CountingSender(), Both);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var failure = await Assert.ThrowsAsync<DtlsHandshakeException>(() => client.HandshakeAsync(Limit, cancel.Token));

        Assert.Equal(DtlsFailure.Closed, failure.Reason);
    }

    [Fact]
    public async Task Handshake_starts_once_and_later_calls_return_the_same_task()
    {
        using var link = new Link(Both, Both);
        Task<DtlsSrtpKeys> first = link.Client.HandshakeAsync(Limit);
        Task<DtlsSrtpKeys> second = link.Client.HandshakeAsync(TimeSpan.FromMilliseconds(1));
        Assert.Same(first, second);
        await link.HandshakeBoth();
    }

    [Fact]
    public async Task Handshake_after_dispose_fails_as_closed()
    {
        var session = new DtlsSession(ClientCertificate, DtlsRole.Client, Sdp(ServerCertificate), new CountingSender(), Both);
        session.Dispose();

        var failure = await Assert.ThrowsAsync<DtlsHandshakeException>(() => session.HandshakeAsync(Limit));
        Assert.Equal(DtlsFailure.Closed, failure.Reason);
    }

    [Fact]
    public void Enqueue_drops_non_dtls_malformed_oversized_and_overflowing_datagrams_without_throwing()
    {
        using var session = new DtlsSession(ServerCertificate, DtlsRole.Server, Sdp(ClientCertificate), new CountingSender(), Both);
        byte[] record = [20, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1]; // change_cipher_spec

        session.Enqueue([]);
        session.Enqueue([0x00, 1, 2]);      // STUN range (RFC 7983)
        session.Enqueue([0x80, 1, 2]);      // RTP range
        session.Enqueue(record.AsSpan(0, 13)); // length says one more byte
        session.Enqueue(new byte[1501]);    // over an MTU
        Assert.Equal(5, session.DroppedDatagrams);

        for (int i = 0; i < 100; i++)
        {
            session.Enqueue(record);
        }

        Assert.Equal(5 + (100 - 64), session.DroppedDatagrams);

        session.Dispose();
        session.Enqueue(record);
        Assert.Equal(5 + (100 - 64) + 1, session.DroppedDatagrams);
    }

    [Fact]
    public void Constructor_rejects_bad_fingerprints_and_profile_lists()
    {
        var sender = new CountingSender();
        Assert.Throws<ArgumentException>(() => new DtlsSession(ServerCertificate, DtlsRole.Server, "sha-256 nonsense", sender, Both));
        Assert.Throws<ArgumentException>(() => new DtlsSession(ServerCertificate, DtlsRole.Server, Sdp(ClientCertificate), sender, []));
        Assert.Throws<ArgumentException>(() => new DtlsSession(ServerCertificate, DtlsRole.Server, Sdp(ClientCertificate), sender, [(SrtpProfile)2]));
        Assert.Throws<ArgumentException>(() => new DtlsSession(
            ServerCertificate, DtlsRole.Server, Sdp(ClientCertificate), sender, [SrtpProfile.AeadAes128Gcm, SrtpProfile.AeadAes128Gcm]));
    }

    private static void AssertMirrored(DtlsSrtpKeys server, DtlsSrtpKeys client, int saltLength)
    {
        Assert.Equal(server.Profile, client.Profile);
        Assert.Equal(16, server.LocalMasterKey.Length);
        Assert.Equal(16, server.RemoteMasterKey.Length);
        Assert.Equal(saltLength, server.LocalMasterSalt.Length);
        Assert.Equal(saltLength, server.RemoteMasterSalt.Length);
        Assert.Equal(server.LocalMasterKey, client.RemoteMasterKey);
        Assert.Equal(server.LocalMasterSalt, client.RemoteMasterSalt);
        Assert.Equal(server.RemoteMasterKey, client.LocalMasterKey);
        Assert.Equal(server.RemoteMasterSalt, client.LocalMasterSalt);
        Assert.NotEqual(server.LocalMasterKey, server.RemoteMasterKey);
    }

    /// <summary>Handshakes while both sessions also receive noise: 20 datagrams first, then 4 every ~2 ms.</summary>
    private static async Task<(DtlsSrtpKeys Server, DtlsSrtpKeys Client)> HandshakeUnderNoise(Link link, Func<byte[]> noise)
    {
        void Feed(int count)
        {
            for (int i = 0; i < count; i++)
            {
                link.Server.Enqueue(noise());
                link.Client.Enqueue(noise());
            }
        }

        Feed(20);
        Task<DtlsSrtpKeys> server = link.Server.HandshakeAsync(Limit);
        Task<DtlsSrtpKeys> client = link.Client.HandshakeAsync(Limit);
        Task feeder = Task.Run(async () =>
        {
            while (!server.IsCompleted || !client.IsCompleted)
            {
                Feed(4);
                await Task.Delay(2);
            }
        });

        (DtlsSrtpKeys, DtlsSrtpKeys) keys = (await server.WaitAsync(Limit + Limit), await client.WaitAsync(Limit + Limit));
        await feeder.WaitAsync(Limit);
        return keys;
    }

    /// <summary>Random bytes that pass the RFC 7983 demultiplexer (first byte 20..63).</summary>
    private static byte[] RandomGarbage(Random random)
    {
        byte[] datagram = new byte[random.Next(1, 1500)];
        random.NextBytes(datagram);
        datagram[0] = (byte)random.Next(20, 64);
        return datagram;
    }

    /// <summary>One well-formed DTLS 1.2 record header (epoch 0 or 1, small sequence) around random content.</summary>
    private static byte[] RecordShapedGarbage(Random random)
    {
        byte[] datagram = new byte[random.Next(14, 1500)];
        random.NextBytes(datagram);
        datagram[0] = (byte)random.Next(20, 24);
        datagram[1] = 0xFE;
        datagram[2] = 0xFD;
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(3), (ushort)random.Next(0, 2));
        datagram.AsSpan(5, 4).Clear();
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(11), (ushort)(datagram.Length - 13));
        return datagram;
    }

    private sealed class CountingSender : IDtlsDatagramSender
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Send(ReadOnlySpan<byte> datagram) => Interlocked.Increment(ref _count);
    }

    /// <summary>A server and a client session joined by two loopback UDP sockets.</summary>
    private sealed class Link : IDisposable
    {
        public Link(SrtpProfile[] serverProfiles, SrtpProfile[] clientProfiles, string? serverExpects = null, string? clientExpects = null)
        {
            LoopbackUdpPeer.Link(ServerLink, ClientLink);
            Server = new DtlsSession(ServerCertificate, DtlsRole.Server, serverExpects ?? Sdp(ClientCertificate), ServerLink, serverProfiles);
            Client = new DtlsSession(ClientCertificate, DtlsRole.Client, clientExpects ?? Sdp(ServerCertificate), ClientLink, clientProfiles);
            ServerLink.Session = Server;
            ClientLink.Session = Client;
        }

        public LoopbackUdpPeer ServerLink { get; } = new();

        public LoopbackUdpPeer ClientLink { get; } = new();

        public DtlsSession Server { get; }

        public DtlsSession Client { get; }

        public async Task<(DtlsSrtpKeys Server, DtlsSrtpKeys Client)> HandshakeBoth()
        {
            Task<DtlsSrtpKeys> server = Server.HandshakeAsync(Limit);
            Task<DtlsSrtpKeys> client = Client.HandshakeAsync(Limit);
            return (await server.WaitAsync(Limit + Limit), await client.WaitAsync(Limit + Limit));
        }

        public void Dispose()
        {
            Client.Dispose();
            Server.Dispose();
            ClientLink.Dispose();
            ServerLink.Dispose();
        }
    }
}
