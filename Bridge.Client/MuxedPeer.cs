using System.Net;
using System.Security.Cryptography;
using System.Text;
using Bridge.Dtls;
using Bridge.Srtp;
using Bridge.Stun;

namespace Bridge.Client;

/// <summary>
/// One browser stand-in of a <see cref="PeerMux"/>: its own loopback address on a shared socket, ICE (controlling,
/// USE-CANDIDATE), DTLS as client and SRTP receive, without a thread of its own. Receive-only: it sends nothing
/// but ICE checks and DTLS; decrypted RTP goes to the mux's observer.
/// </summary>
public sealed class MuxedPeer : IDisposable
{
    private const string IceCharacters = "abcdefghijklmnopqrstuvwxyz0123456789";

    private readonly PeerMux _mux;
    private readonly TaskCompletionSource _iceDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private NativeUdp.SocketAddressIn _bridge;
    private byte[] _iceUsername = [];
    private byte[] _iceKey = [];
    private DtlsSession? _dtls;
    private volatile SrtpContext? _inbound;
    private int _disposed;

    internal MuxedPeer(PeerMux mux, int index, int socket)
    {
        _mux = mux;
        Index = index;
        Socket = socket;
        LocalAddress = LoopbackAddressPlan.AddressOf(index);
        LocalAddressNetworkOrder = LoopbackAddressPlan.NetworkOrderOf(index);
        Ufrag = RandomNumberGenerator.GetString(IceCharacters, 8);
        Password = RandomNumberGenerator.GetString(IceCharacters, 24);
    }

    /// <summary>The peer's index in its mux (what observers receive).</summary>
    public int Index { get; }

    /// <summary>The index of the mux socket the peer shares.</summary>
    public int Socket { get; }

    /// <summary>The peer's own loopback address (127.a.b.c).</summary>
    public IPAddress LocalAddress { get; }

    /// <summary>The peer's address and port as the bridge sees them.</summary>
    public IPEndPoint LocalEndPoint => new(LocalAddress, _mux.PortOf(Socket));

    /// <summary>The peer's ICE ufrag.</summary>
    public string Ufrag { get; }

    /// <summary>The peer's ICE password.</summary>
    public string Password { get; }

    /// <summary>The negotiated SRTP profile, once connected.</summary>
    public SrtpProfile? Profile { get; private set; }

    /// <summary>Whether ICE, DTLS and SRTP are done.</summary>
    public bool IsConnected => _inbound is not null;

    /// <summary>Packets that failed to decrypt (counted on the receive thread).</summary>
    public int DecryptFailures { get; private set; }

    internal uint LocalAddressNetworkOrder { get; }

    internal uint BridgeAddress => _bridge.Address;

    internal ushort BridgePort => _bridge.Port;

    internal long NextConsent { get; set; }

    /// <summary>A receive-only offer as a browser visitor writes it: <paramref name="recvAudio"/> audio and <paramref name="recvVideo"/> video recvonly sections.</summary>
    public string CreateOffer(int recvAudio = 3, int recvVideo = 1) =>
        SdpOfferWriter.Write(Ufrag, Password, _mux.Certificate, publish: false, 0, 0, recvAudio, recvVideo, receiveToo: false);

    /// <summary>
    /// ICE against the bridge's candidate, then the DTLS handshake, holding one of the mux's handshake slots
    /// (waiting for a slot counts against <paramref name="timeout"/>). Afterwards the mux keeps consent alive.
    /// </summary>
    public async Task ConnectAsync(IPEndPoint bridge, string bridgeUfrag, string bridgePassword, string bridgeFingerprint, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        if (bridge.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            throw new ArgumentException("Only IPv4 bridge candidates are supported.", nameof(bridge));
        }
        _bridge = new NativeUdp.SocketAddressIn
        {
            Family = NativeUdp.AddressFamilyInet,
            Port = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((ushort)bridge.Port),
            Address = NativeUdp.ToNetworkOrder(bridge.Address.GetAddressBytes()),
        };
        _iceUsername = Encoding.ASCII.GetBytes($"{bridgeUfrag}:{Ufrag}");
        _iceKey = Encoding.ASCII.GetBytes(bridgePassword);

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        await _mux.Handshakes.WaitAsync(cts.Token).ConfigureAwait(false);
        try
        {
            while (!_iceDone.Task.IsCompleted)
            {
                cts.Token.ThrowIfCancellationRequested();
                SendConsentCheck();
                await Task.WhenAny(_iceDone.Task, Task.Delay(100, cts.Token)).ConfigureAwait(false);
            }
            _dtls = new DtlsSession(_mux.Certificate, DtlsRole.Client, bridgeFingerprint, new Sender(this), _mux.Profiles);
            var remaining = timeout - System.Diagnostics.Stopwatch.GetElapsedTime(started);
            var keys = await _dtls.HandshakeAsync(remaining > TimeSpan.FromMilliseconds(1) ? remaining : TimeSpan.FromMilliseconds(1), cts.Token).ConfigureAwait(false);
            Profile = keys.Profile;
            _inbound = new SrtpContext(keys.Profile, keys.RemoteMasterKey, keys.RemoteMasterSalt);
            _mux.ConsentDue(this);
        }
        finally
        {
            _mux.Handshakes.Release();
        }
    }

    /// <summary>Sends one ICE Binding request with USE-CANDIDATE: the first nominates, later ones keep consent (RFC 7675).</summary>
    public void SendConsentCheck()
    {
        Span<byte> transactionId = stackalloc byte[12];
        RandomNumberGenerator.Fill(transactionId);
        Span<byte> message = stackalloc byte[StunWriter.MaxMessageLength];
        var length = StunWriter.WriteBindingRequest(message, transactionId, _iceUsername, _iceKey, 0x6e001eff, 42, useCandidate: true);
        _mux.Send(this, message[..length]);
    }

    /// <summary>Sends DTLS close_notify (the bridge expires the endpoint) and forgets the keys.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _dtls?.Dispose();
        _mux.Remove(this);
    }

    /// <summary>Handles one datagram from the bridge on the socket's receive thread (RFC 7983 demultiplexing).</summary>
    internal void OnDatagram(Span<byte> datagram, long arrival, MuxPacketObserver? observer)
    {
        var first = datagram[0];
        if (first <= 3)
        {
            if (!_iceDone.Task.IsCompleted && StunMessage.TryParse(datagram, out var message)
                && message.MessageType == (ushort)StunMessageType.BindingSuccessResponse)
            {
                _iceDone.TrySetResult();
            }
        }
        else if (first is >= 20 and <= 63)
        {
            _dtls?.Enqueue(datagram);
        }
        else if (first is >= 128 and <= 191 && _inbound is { } inbound && !Bridge.Rtp.RtpPacket.IsRtcp(datagram))
        {
            // RTCP from the bridge (reports, feedback) is not measured and left encrypted.
            if (inbound.UnprotectRtp(datagram, out var plain) != SrtpError.None)
            {
                DecryptFailures++;
            }
            else
            {
                observer?.Invoke(Index, datagram[..plain], arrival);
            }
        }
    }

    /// <summary>Frees the SRTP context once the receive thread is gone.</summary>
    internal void ReleaseInbound()
    {
        _inbound?.Dispose();
        _inbound = null;
    }

    private sealed class Sender(MuxedPeer peer) : IDtlsDatagramSender
    {
        public void Send(ReadOnlySpan<byte> datagram) => peer._mux.Send(peer, datagram);
    }
}
