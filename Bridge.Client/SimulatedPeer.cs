using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Bridge.Dtls;
using Bridge.Rtp;
using Bridge.Srtp;
using Bridge.Stun;

namespace Bridge.Client;

/// <summary>
/// A browser stand-in on a real loopback UDP socket: writes an SDP offer, does ICE (controlling,
/// USE-CANDIDATE), DTLS as client with our own DtlsSession, then SRTP both ways. Sending allocates
/// nothing per packet; received packets go to queues, or to observers that allocate nothing either.
/// </summary>
public sealed class SimulatedPeer : IDisposable
{
    /// <summary>Largest datagram the peer sends or receives; bigger RTP payloads or RTCP compounds are refused.</summary>
    public const int MaxDatagramLength = 2048;

    private const int RtpHeaderLength = 12;
    private const string IceCharacters = "abcdefghijklmnopqrstuvwxyz0123456789";

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly DtlsCertificate _certificate = DtlsCertificate.CreateSelfSigned("peer");
    private readonly TaskCompletionSource _iceDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _receiver;
    private readonly IReadOnlyList<SrtpProfile> _profiles;
    private readonly DtlsCertificate _offeredCertificate;
    private readonly Lock _sendGate = new();
    // Pinned: the socket hands it to the kernel on every send, so the GC must not move it.
    private readonly byte[] _sendBuffer = GC.AllocateArray<byte>(MaxDatagramLength, pinned: true);
    private SocketAddress? _bridgeAddress;
    private DtlsSession? _dtls;
    private volatile SrtpContext? _inbound;
    private SrtpContext? _outbound;
    private Timer? _consent;
    private byte[] _iceUsername = [];
    private byte[] _iceKey = [];
    private volatile PacketObserver? _rtpObserver;
    private volatile PacketObserver? _rtcpObserver;
    private int _decryptFailures;
    private bool _disposed;
    private volatile bool _silent;

    /// <summary>
    /// Binds a socket on 127.0.0.1 and starts receiving. <paramref name="offeredCertificate"/> is the
    /// certificate whose fingerprint the offer announces (default: the one DTLS presents; another one
    /// makes the bridge's fingerprint check fail). <paramref name="socketBufferBytes"/> sets the socket's
    /// send and receive buffers (0: the system default).
    /// </summary>
    public SimulatedPeer(IReadOnlyList<SrtpProfile>? profiles = null, DtlsCertificate? offeredCertificate = null, int socketBufferBytes = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(socketBufferBytes);
        _offeredCertificate = offeredCertificate ?? _certificate;
        _profiles = profiles ?? [SrtpProfile.AeadAes128Gcm, SrtpProfile.AesCm128HmacSha1Tag80];
        if (socketBufferBytes > 0)
        {
            _socket.ReceiveBufferSize = socketBufferBytes;
            _socket.SendBufferSize = socketBufferBytes;
        }
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Ufrag = RandomNumberGenerator.GetString(IceCharacters, 8);
        Password = RandomNumberGenerator.GetString(IceCharacters, 24);
        _receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = "simulated-peer" };
        _receiver.Start();
    }

    /// <summary>The peer's ICE ufrag.</summary>
    public string Ufrag { get; }

    /// <summary>The peer's ICE password.</summary>
    public string Password { get; }

    /// <summary>The local UDP endpoint.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>The negotiated SRTP profile.</summary>
    public SrtpProfile? Profile { get; private set; }

    /// <summary>Simulated loss: incoming SRTP whose (SSRC, sequence) matches is discarded before decryption.</summary>
    public Func<uint, ushort, bool>? LoseIf { get; set; }

    /// <summary>Plain RTP packets received and decrypted, in arrival order, while no <see cref="RtpObserver"/> is set.</summary>
    public ConcurrentQueue<byte[]> ReceivedRtp { get; } = new();

    /// <summary>Plain RTCP compounds received and decrypted, while no <see cref="RtcpObserver"/> is set.</summary>
    public ConcurrentQueue<byte[]> ReceivedRtcp { get; } = new();

    /// <summary>When set, gets every decrypted RTP packet instead of <see cref="ReceivedRtp"/>, without a copy.</summary>
    public PacketObserver? RtpObserver
    {
        get => _rtpObserver;
        set => _rtpObserver = value;
    }

    /// <summary>When set, gets every decrypted RTCP compound instead of <see cref="ReceivedRtcp"/>, without a copy.</summary>
    public PacketObserver? RtcpObserver
    {
        get => _rtcpObserver;
        set => _rtcpObserver = value;
    }

    /// <summary>Packets that failed to decrypt.</summary>
    public int DecryptFailures => Volatile.Read(ref _decryptFailures);

    /// <summary>An SDP offer as Chromium would write it: sending sections with SSRCs (and recvonly ones too when <paramref name="receiveToo"/>), or recvonly sections.</summary>
    public string CreateOffer(bool publish, uint audioSsrc = 0x1111, uint videoSsrc = 0x2222, int recvAudio = 3, int recvVideo = 1, bool receiveToo = false) =>
        SdpOfferWriter.Write(Ufrag, Password, _offeredCertificate, publish, audioSsrc, videoSsrc, recvAudio, recvVideo, receiveToo);

    /// <summary>Runs ICE against the bridge's candidate, then the DTLS handshake; SRTP is ready afterwards.</summary>
    public async Task ConnectAsync(IPEndPoint bridge, string bridgeUfrag, string bridgePassword, string bridgeFingerprint, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        _bridgeAddress = bridge.Serialize();
        _iceUsername = Encoding.ASCII.GetBytes($"{bridgeUfrag}:{Ufrag}");
        _iceKey = Encoding.ASCII.GetBytes(bridgePassword);
        using var cts = new CancellationTokenSource(timeout);
        while (!_iceDone.Task.IsCompleted)
        {
            cts.Token.ThrowIfCancellationRequested();
            SendConsentCheck();
            await Task.WhenAny(_iceDone.Task, Task.Delay(100, cts.Token)).ConfigureAwait(false);
        }

        _dtls = new DtlsSession(_certificate, DtlsRole.Client, bridgeFingerprint, new Sender(this), _profiles);
        var keys = await _dtls.HandshakeAsync(timeout).ConfigureAwait(false);
        Profile = keys.Profile;
        _outbound = new SrtpContext(keys.Profile, keys.LocalMasterKey, keys.LocalMasterSalt);
        _inbound = new SrtpContext(keys.Profile, keys.RemoteMasterKey, keys.RemoteMasterSalt);
    }

    /// <summary>Sends one ICE Binding request with USE-CANDIDATE: the first nominates, later ones keep consent (RFC 7675).</summary>
    public void SendConsentCheck()
    {
        Span<byte> transactionId = stackalloc byte[12];
        RandomNumberGenerator.Fill(transactionId);
        lock (_sendGate)
        {
            var length = StunWriter.WriteBindingRequest(_sendBuffer, transactionId, _iceUsername, _iceKey, 0x6e001eff, 42, useCandidate: true);
            SendRaw(_sendBuffer.AsSpan(0, length));
        }
    }

    /// <summary>
    /// Sends a consent check every <paramref name="interval"/> from a timer, as a browser does after
    /// connecting (RFC 7675 section 5.1); calling again changes the interval.
    /// </summary>
    public void StartConsentChecks(TimeSpan interval)
    {
        lock (_sendGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _consent ??= new Timer(_ => ConsentTick());
            _consent.Change(interval, interval);
        }
    }

    /// <summary>Sends one raw datagram to the bridge.</summary>
    public void SendRaw(ReadOnlySpan<byte> datagram)
    {
        _socket.SendTo(datagram, SocketFlags.None, _bridgeAddress ?? throw new InvalidOperationException("not connected"));
    }

    /// <summary>Protects and sends one RTP packet built from the given fields and payload.</summary>
    public void SendRtp(uint ssrc, byte payloadType, ushort sequence, uint timestamp, ReadOnlySpan<byte> payload, bool marker = false)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payload.Length, MaxDatagramLength - RtpHeaderLength - SrtpProfiles.MaxOverhead, nameof(payload));
        lock (_sendGate)
        {
            var buffer = _sendBuffer.AsSpan();
            buffer[0] = 0x80;
            buffer[1] = (byte)(payloadType | (marker ? 0x80 : 0));
            BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], sequence);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], timestamp);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[8..], ssrc);
            payload.CopyTo(buffer[RtpHeaderLength..]);
            ProtectAndSend(RtpHeaderLength + payload.Length, rtcp: false);
        }
    }

    /// <summary>Protects and sends one plain RTCP compound.</summary>
    public void SendRtcp(ReadOnlySpan<byte> plain)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(plain.Length, MaxDatagramLength - SrtpProfiles.MaxOverhead, nameof(plain));
        lock (_sendGate)
        {
            plain.CopyTo(_sendBuffer);
            ProtectAndSend(plain.Length, rtcp: true);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds or the timeout passes.</summary>
    public static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }
            await Task.Delay(20).ConfigureAwait(false);
        }
        return true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_sendGate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _consent?.Dispose();
        }
        _dtls?.Dispose(); // sends close_notify while the socket is still open
        _socket.Dispose();
        // The receive thread ends once recvfrom fails on the closed socket; only then is the inbound context free.
        if (_receiver.Join(TimeSpan.FromSeconds(1)))
        {
            _inbound?.Dispose();
        }
        lock (_sendGate)
        {
            _outbound?.Dispose();
        }
    }

    /// <summary>
    /// Disposes without DTLS close_notify, as a crashed browser or a lost network would: the bridge only
    /// notices when consent expires (RFC 7675 section 5.1).
    /// </summary>
    public void Abandon()
    {
        _silent = true;
        Dispose();
    }

    private void ProtectAndSend(int plainLength, bool rtcp)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var outbound = _outbound ?? throw new InvalidOperationException("not connected");
        var buffer = _sendBuffer.AsSpan();
        var ok = rtcp ? outbound.TryProtectRtcp(buffer, plainLength, out var length) : outbound.TryProtectRtp(buffer, plainLength, out length);
        if (!ok)
        {
            throw new InvalidOperationException("protect failed");
        }
        SendRaw(buffer[..length]);
    }

    private void ConsentTick()
    {
        try
        {
            SendConsentCheck();
        }
        catch (ObjectDisposedException)
        {
            // A tick racing Dispose: the socket is gone, and so is the need for consent.
        }
    }

    private void ReceiveLoop()
    {
        var buffer = GC.AllocateArray<byte>(MaxDatagramLength, pinned: true);
        var from = new SocketAddress(AddressFamily.InterNetwork);
        while (true)
        {
            int length;
            try
            {
                from.Size = from.Buffer.Length;
                length = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (SocketException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            // The arrival time for observers: demultiplexing and decryption below are the receiver's own cost.
            var received = Stopwatch.GetTimestamp();
            if (length > 0)
            {
                Demultiplex(buffer.AsSpan(0, length), received);
            }
        }
    }

    // RFC 7983 section 7: the first byte tells STUN (0-3), DTLS (20-63) and SRTP/SRTCP (128-191) apart.
    private void Demultiplex(Span<byte> datagram, long received)
    {
        if (datagram[0] <= 3)
        {
            if (StunMessage.TryParse(datagram, out var message) && message.MessageType == (ushort)StunMessageType.BindingSuccessResponse)
            {
                _iceDone.TrySetResult();
            }
        }
        else if (datagram[0] is >= 20 and <= 63)
        {
            _dtls?.Enqueue(datagram);
        }
        else if (_inbound is { } inbound)
        {
            var isRtcp = RtpPacket.IsRtcp(datagram);
            if (!isRtcp && LoseIf is { } lose && RtpPacket.TryParse(datagram, out var header) && lose(header.Ssrc, header.SequenceNumber))
            {
                return;
            }
            var error = isRtcp ? inbound.UnprotectRtcp(datagram, out var plain) : inbound.UnprotectRtp(datagram, out plain);
            if (error != SrtpError.None)
            {
                Interlocked.Increment(ref _decryptFailures);
            }
            else if ((isRtcp ? _rtcpObserver : _rtpObserver) is { } observer)
            {
                observer(datagram[..plain], received);
            }
            else
            {
                (isRtcp ? ReceivedRtcp : ReceivedRtp).Enqueue(datagram[..plain].ToArray());
            }
        }
    }

    private sealed class Sender(SimulatedPeer peer) : IDtlsDatagramSender
    {
        public void Send(ReadOnlySpan<byte> datagram)
        {
            if (!peer._silent)
            {
                peer.SendRaw(datagram);
            }
        }
    }
}
