using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Bridge.Dtls;
using Bridge.Rtp;
using Bridge.Srtp;
using Bridge.Stun;

namespace RelayHopLatency;

/// <summary>
/// A browser stand-in for latency measurement on a real loopback UDP socket: ICE (controlling,
/// USE-CANDIDATE), DTLS client, SRTP. Unlike the tests' SimulatedPeer it sends without allocating
/// (a per-packet array would trigger GCs that pause the in-process bridges too) and stamps each
/// datagram with <see cref="Stopwatch.GetTimestamp"/> the moment recvfrom returns, before decryption.
/// </summary>
public sealed class LatencyPeer : IDisposable
{
    /// <summary>SSRC of the published video stream.</summary>
    public const uint VideoSsrc = 0x2222;

    /// <summary>VP8 payload type in the offer.</summary>
    public const byte VideoPayloadType = 96;

    /// <summary>Bytes of the payload that carry the probe: send timestamp, run tag, packet index.</summary>
    public const int ProbeLength = 16;

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly DtlsCertificate _certificate = DtlsCertificate.CreateSelfSigned("latency-peer");
    private readonly TaskCompletionSource _iceDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _receiver;
    private readonly byte[] _send = GC.AllocateArray<byte>(2048, pinned: true);
    private readonly byte[] _stun = new byte[StunWriter.MaxMessageLength];
    private readonly Lock _stunGate = new();
    private Timer? _consent;
    private SocketAddress? _bridge;
    private DtlsSession? _dtls;
    private SrtpContext? _outbound;
    private volatile SrtpContext? _inbound;
    private volatile LatencyRecording? _recording;
    private byte[] _iceUsername = [];
    private byte[] _iceKey = [];
    private ushort _sequence;
    private uint _timestamp;

    /// <summary>Binds a socket on 127.0.0.1 with a large receive buffer and starts the receive thread.</summary>
    public LatencyPeer()
    {
        _socket.ReceiveBufferSize = 4 << 20;
        _socket.SendBufferSize = 4 << 20;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Ufrag = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 8);
        Password = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", 24);
        _receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = "latency-peer" };
        _receiver.Start();
    }

    /// <summary>The peer's ICE ufrag.</summary>
    public string Ufrag { get; }

    /// <summary>The peer's ICE password.</summary>
    public string Password { get; }

    /// <summary>The negotiated SRTP profile.</summary>
    public SrtpProfile? Profile { get; private set; }

    private long _decryptFailures;

    /// <summary>Incoming SRTP that failed to decrypt.</summary>
    public long DecryptFailures => Interlocked.Read(ref _decryptFailures);

    /// <summary>
    /// An SDP offer with one BUNDLEd VP8 video section, as Chromium writes it: sendonly with
    /// <see cref="VideoSsrc"/> for a publisher, recvonly without SSRC for a receiver.
    /// </summary>
    public string CreateOffer(bool publish)
    {
        var sb = new StringBuilder()
            .Append("v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\na=msid-semantic: WMS stream\r\n")
            .Append("m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n")
            .Append("a=ice-ufrag:").Append(Ufrag).Append("\r\na=ice-pwd:").Append(Password).Append("\r\n")
            .Append("a=fingerprint:").Append(_certificate.FingerprintAlgorithm).Append(' ').Append(_certificate.Fingerprint).Append("\r\n")
            .Append("a=setup:actpass\r\na=mid:0\r\na=").Append(publish ? "sendonly" : "recvonly").Append("\r\na=rtcp-mux\r\na=rtcp-rsize\r\n")
            .Append("a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\n");
        if (publish)
        {
            sb.Append("a=msid:stream videotrack\r\na=ssrc:").Append(VideoSsrc).Append(" cname:peer\r\n");
        }
        return sb.ToString();
    }

    /// <summary>ICE against the bridge's candidate, then the DTLS handshake; afterwards consent checks every 2 s (RFC 7675).</summary>
    public async Task ConnectAsync(IPEndPoint bridge, string bridgeUfrag, string bridgePassword, string bridgeFingerprint, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        _bridge = bridge.Serialize();
        _iceUsername = Encoding.ASCII.GetBytes($"{bridgeUfrag}:{Ufrag}");
        _iceKey = Encoding.ASCII.GetBytes(bridgePassword);
        using var cts = new CancellationTokenSource(timeout);
        while (!_iceDone.Task.IsCompleted)
        {
            cts.Token.ThrowIfCancellationRequested();
            SendConsentCheck();
            await Task.WhenAny(_iceDone.Task, Task.Delay(100, cts.Token));
        }
        _dtls = new DtlsSession(_certificate, DtlsRole.Client, bridgeFingerprint, new Sender(this), [SrtpProfile.AeadAes128Gcm, SrtpProfile.AesCm128HmacSha1Tag80]);
        var keys = await _dtls.HandshakeAsync(timeout);
        Profile = keys.Profile;
        _outbound = new SrtpContext(keys.Profile, keys.LocalMasterKey, keys.LocalMasterSalt);
        _inbound = new SrtpContext(keys.Profile, keys.RemoteMasterKey, keys.RemoteMasterSalt);
        _consent = new Timer(_ => SendConsentCheck(), null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));
    }

    /// <summary>Starts recording arrivals of probes carrying <paramref name="recording"/>'s tag (null stops).</summary>
    public void Record(LatencyRecording? recording) => _recording = recording;

    /// <summary>
    /// Sends one video packet of <paramref name="length"/> bytes whose payload starts with the probe:
    /// the send time (Stopwatch ticks, taken last before protect and send), <paramref name="tag"/> and
    /// <paramref name="index"/>. One sending thread only; allocates nothing.
    /// </summary>
    public void SendProbe(int tag, int index, int length)
    {
        var buffer = _send.AsSpan();
        buffer[0] = 0x80;
        buffer[1] = VideoPayloadType;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], ++_sequence);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[4..], _timestamp += 90);
        BinaryPrimitives.WriteUInt32BigEndian(buffer[8..], VideoSsrc);
        BinaryPrimitives.WriteInt32BigEndian(buffer[20..], tag);
        BinaryPrimitives.WriteInt32BigEndian(buffer[24..], index);
        BinaryPrimitives.WriteInt64BigEndian(buffer[12..], Stopwatch.GetTimestamp());
        if (_outbound!.TryProtectRtp(buffer, length, out var protectedLength))
        {
            _socket.SendTo(buffer[..protectedLength], SocketFlags.None, _bridge!);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _consent?.Dispose();
        _dtls?.Dispose();
        _socket.Dispose();
        _receiver.Join(TimeSpan.FromSeconds(1));
        _outbound?.Dispose();
        _inbound?.Dispose();
    }

    private void SendConsentCheck()
    {
        lock (_stunGate)
        {
            var length = StunWriter.WriteBindingRequest(_stun, RandomNumberGenerator.GetBytes(12), _iceUsername, _iceKey, 0x6e001eff, 42, useCandidate: true);
            SendRaw(_stun.AsSpan(0, length));
        }
    }

    private void SendRaw(ReadOnlySpan<byte> datagram)
    {
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, _bridge!);
        }
        catch (ObjectDisposedException)
        {
            // A consent tick racing Dispose.
        }
    }

    private void ReceiveLoop()
    {
        var buffer = GC.AllocateArray<byte>(2048, pinned: true);
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
            // The arrival time: everything after this (demultiplexing, decryption) is the receiver's own cost.
            var arrival = Stopwatch.GetTimestamp();
            var datagram = buffer.AsSpan(0, length);
            if (length == 0)
            {
                continue;
            }
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
            else if (_inbound is { } inbound && !RtpPacket.IsRtcp(datagram))
            {
                if (inbound.UnprotectRtp(datagram, out var plain) != SrtpError.None)
                {
                    Interlocked.Increment(ref _decryptFailures);
                }
                else if (RtpPacket.TryParse(datagram[..plain], out var rtp) && plain - rtp.HeaderLength >= ProbeLength && _recording is { } recording)
                {
                    var probe = datagram[rtp.HeaderLength..plain];
                    recording.Arrived(
                        BinaryPrimitives.ReadInt32BigEndian(probe[8..]),
                        BinaryPrimitives.ReadInt32BigEndian(probe[12..]),
                        arrival - BinaryPrimitives.ReadInt64BigEndian(probe));
                }
            }
        }
    }

    private sealed class Sender(LatencyPeer peer) : IDtlsDatagramSender
    {
        public void Send(ReadOnlySpan<byte> datagram) => peer.SendRaw(datagram);
    }
}
