using System.Diagnostics;
using Bridge.Dtls;
using Bridge.Srtp;

namespace Bridge.Client;

/// <summary>
/// Hosts many receive-only browser stand-ins (<see cref="MuxedPeer"/>) on a few UDP sockets: each socket has one
/// receive thread that demultiplexes by the peer's own loopback address (IP_PKTINFO) and checks the source is that
/// peer's bridge; DTLS handshakes run at most <c>maxConcurrentHandshakes</c> at a time; one thread sends every
/// connected peer's ICE consent checks. Peers share one DTLS certificate, as tabs of one browser profile would.
/// </summary>
public sealed class PeerMux : IDisposable
{
    private readonly MuxSocket[] _sockets;
    private readonly MuxedPeer?[] _peers;
    private readonly Thread _consent;
    private readonly long _consentInterval;
    private readonly CancellationTokenSource _stop = new();
    private volatile MuxPacketObserver? _observer;
    private int _created;
    private long _foreign;
    private long _sendErrors;
    private long _handlerFailures;

    /// <summary>
    /// Binds <paramref name="sockets"/> sockets with <paramref name="socketBufferBytes"/> receive buffers (as root
    /// beyond net.core.rmem_max) for up to <paramref name="capacity"/> peers; connected peers send a consent check
    /// every <paramref name="consentInterval"/> (RFC 7675 asks for about 5 s).
    /// </summary>
    public PeerMux(int capacity, int sockets = 2, int maxConcurrentHandshakes = 16, TimeSpan? consentInterval = null, int socketBufferBytes = 32 << 20, IReadOnlyList<SrtpProfile>? profiles = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, LoopbackAddressPlan.Capacity);
        ArgumentOutOfRangeException.ThrowIfLessThan(sockets, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sockets, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentHandshakes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(socketBufferBytes, 64 << 10);
        var interval = consentInterval ?? TimeSpan.FromSeconds(5);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.FromMilliseconds(100));
        _consentInterval = (long)(interval.TotalSeconds * Stopwatch.Frequency);
        Profiles = profiles ?? [SrtpProfile.AeadAes128Gcm, SrtpProfile.AesCm128HmacSha1Tag80];
        Handshakes = new SemaphoreSlim(maxConcurrentHandshakes, maxConcurrentHandshakes);
        _peers = new MuxedPeer?[capacity];
        _sockets = new MuxSocket[sockets];
        try
        {
            for (var i = 0; i < sockets; i++)
            {
                _sockets[i] = new MuxSocket(i, socketBufferBytes, OnDatagram);
            }
        }
        catch
        {
            foreach (var socket in _sockets)
            {
                socket?.Dispose();
            }
            throw;
        }
        _consent = new Thread(ConsentLoop) { IsBackground = true, Name = "peer-mux-consent" };
        _consent.Start();
    }

    /// <summary>The certificate every peer presents in DTLS.</summary>
    public DtlsCertificate Certificate { get; } = DtlsCertificate.CreateSelfSigned("peer-mux");

    /// <summary>Gets every decrypted RTP packet of every peer, on the receive thread of the peer's socket.</summary>
    public MuxPacketObserver? Observer
    {
        get => _observer;
        set => _observer = value;
    }

    /// <summary>Sockets in use.</summary>
    public int SocketCount => _sockets.Length;

    /// <summary>Peers created so far.</summary>
    public int Created => Volatile.Read(ref _created);

    /// <summary>Whether every socket only hears the loopback device.</summary>
    public bool LoopbackOnly => _sockets.All(s => s.LoopbackOnly);

    /// <summary>Datagrams the kernel dropped at our sockets because their buffers were full.</summary>
    public long KernelDrops => _sockets.Sum(s => s.KernelDrops);

    /// <summary>Datagrams for no known peer, from an address other than the peer's bridge, or oversized.</summary>
    public long ForeignDatagrams => Interlocked.Read(ref _foreign) + _sockets.Sum(s => s.Truncated);

    /// <summary>Sends the kernel refused.</summary>
    public long SendErrors => Interlocked.Read(ref _sendErrors);

    /// <summary>Datagrams whose handling threw (an observer bug); the receive thread carries on.</summary>
    public long HandlerFailures => Interlocked.Read(ref _handlerFailures);

    internal IReadOnlyList<SrtpProfile> Profiles { get; }

    internal SemaphoreSlim Handshakes { get; }

    /// <summary>Creates the next peer; it shares socket index % sockets.</summary>
    public MuxedPeer CreatePeer()
    {
        ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
        var index = Interlocked.Increment(ref _created) - 1;
        if (index >= _peers.Length)
        {
            Interlocked.Decrement(ref _created);
            throw new InvalidOperationException($"The mux holds at most {_peers.Length} peers.");
        }
        var peer = new MuxedPeer(this, index, index % _sockets.Length);
        Volatile.Write(ref _peers[index], peer);
        return peer;
    }

    /// <summary>The local port of socket <paramref name="socket"/>.</summary>
    public int PortOf(int socket) => _sockets[socket].Port;

    /// <summary>Stops the consent thread and the receive threads, then disposes every peer's DTLS session and SRTP context.</summary>
    public void Dispose()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }
        _stop.Cancel();
        _consent.Join(TimeSpan.FromSeconds(2));
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
        foreach (var peer in _peers)
        {
            peer?.Dispose();
            peer?.ReleaseInbound();
        }
        Handshakes.Dispose();
        _stop.Dispose();
    }

    internal void Send(MuxedPeer peer, ReadOnlySpan<byte> datagram)
    {
        var to = new NativeUdp.SocketAddressIn { Family = NativeUdp.AddressFamilyInet, Port = peer.BridgePort, Address = peer.BridgeAddress };
        if (!_sockets[peer.Socket].Send(peer.LocalAddressNetworkOrder, to, datagram))
        {
            Interlocked.Increment(ref _sendErrors);
        }
    }

    internal void ConsentDue(MuxedPeer peer)
    {
        // Spread the first checks over one interval so thousands of peers joining together do not check together.
        peer.NextConsent = Stopwatch.GetTimestamp() + Random.Shared.NextInt64(_consentInterval);
    }

    internal void Remove(MuxedPeer peer) => Interlocked.CompareExchange(ref _peers[peer.Index], null, peer);

    private void OnDatagram(uint localAddress, in NativeUdp.SocketAddressIn from, Span<byte> datagram, long arrival)
    {
        var index = LoopbackAddressPlan.IndexOf(localAddress);
        var peer = (uint)index < (uint)_peers.Length ? Volatile.Read(ref _peers[index]) : null;
        if (peer is null || peer.BridgeAddress != from.Address || peer.BridgePort != from.Port)
        {
            Interlocked.Increment(ref _foreign);
            return;
        }
        try
        {
            peer.OnDatagram(datagram, arrival, _observer);
        }
#pragma warning disable CA1031 // The receive thread serves every peer of the socket: a failing observer must not end it.
        catch (Exception)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _handlerFailures);
        }
    }

    private void ConsentLoop()
    {
        var token = _stop.Token;
        while (!token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(100)))
        {
            var now = Stopwatch.GetTimestamp();
            var count = Math.Min(Volatile.Read(ref _created), _peers.Length);
            for (var i = 0; i < count && !token.IsCancellationRequested; i++)
            {
                if (Volatile.Read(ref _peers[i]) is { IsConnected: true } peer && peer.NextConsent <= now)
                {
                    peer.NextConsent = now + _consentInterval;
                    peer.SendConsentCheck();
                }
            }
        }
    }
}
