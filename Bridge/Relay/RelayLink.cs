using System.Collections.Concurrent;
using System.Net;
using BridgeRelay.Link;
using Bridge.Transport;

namespace Bridge.Relay;

/// <summary>
/// One end of a bridge-to-bridge relay link: the peer's address, the link cipher, liveness, counters
/// and, for a child peer, what it subscribed to per conference. Protecting takes a per-link lock
/// (the receive loop sends media, the relay monitor sends keepalives and subscriptions); the cipher's
/// receive side is used by the receive loop only.
/// </summary>
public sealed class RelayLink : IDisposable
{
    private readonly RelayCipher _cipher;
    private readonly MediaSocket _socket;
    private readonly Lock _sendGate = new();
    private readonly byte[] _sendBuffer = GC.AllocateArray<byte>(2048, pinned: true);
    private readonly ConcurrentDictionary<uint, uint[]> _wantedByPeer = new();
    private readonly ConcurrentDictionary<uint, RelayAnnounceAssembly> _announceParts = new();
    private int _announceRounds;
    private volatile RelayPeerRole _peerRole;

    /// <summary>Creates a link; the key is the 32-byte secret the control plane gave both ends.</summary>
    public RelayLink(uint id, string localId, string peerId, IPEndPoint peer, ReadOnlySpan<byte> key, RelayPeerRole peerRole, MediaSocket socket, TimeProvider time, TimeSpan downAfter)
    {
        ArgumentNullException.ThrowIfNull(peer);
        Id = id;
        LocalId = localId;
        PeerId = peerId;
        PeerEndPoint = peer;
        PeerAddress = peer.Serialize();
        _peerRole = peerRole;
        _socket = socket;
        _cipher = new RelayCipher(key, id, localId, peerId);
        Health = new RelayLinkHealth(time, downAfter: downAfter);
    }

    /// <summary>Link id, the same number at both ends.</summary>
    public uint Id { get; }

    /// <summary>This bridge's id as the peer knows it (part of the key derivation).</summary>
    public string LocalId { get; }

    /// <summary>The peer bridge's id.</summary>
    public string PeerId { get; }

    /// <summary>The peer's media address.</summary>
    public IPEndPoint PeerEndPoint { get; }

    /// <summary>The peer's media address as the receive loop sees it.</summary>
    public SocketAddress PeerAddress { get; }

    /// <summary>What the peer is to this bridge; changed through the control API when the tree is re-planned.</summary>
    public RelayPeerRole PeerRole
    {
        get => _peerRole;
        set => _peerRole = value;
    }

    /// <summary>Keepalives, RTT and up/down state.</summary>
    public RelayLinkHealth Health { get; }

    /// <summary>Packets, bytes and drops of this link.</summary>
    public RelayLinkCounters Counters { get; } = new();

    /// <summary>The media loop that receives this link's datagrams (its 4-tuple's socket); it forwards the link's sources.</summary>
    public volatile int LoopIndex;

    /// <summary>Media packets sent on this link (RTP and RTCP, retransmissions included).</summary>
    public long MediaPacketsOut;

    /// <summary>Conferences the child peer subscribed to.</summary>
    public ICollection<uint> SubscribedConferences => _wantedByPeer.Keys;

    /// <summary>True when media, announcements and keyframes come from the peer (a parent or a mesh peer).</summary>
    public bool SendsUsMedia => _peerRole is RelayPeerRole.Parent or RelayPeerRole.Mesh;

    /// <summary>True when media goes to the peer and its subscriptions, keyframe requests and NACKs count (a child or a mesh peer).</summary>
    public bool TakesOurMedia => _peerRole is RelayPeerRole.Child or RelayPeerRole.Mesh;

    /// <summary>True when the peer subscribed to this source of this conference (no allocation).</summary>
    public bool Wants(uint conferenceId, uint sourceId) =>
        TakesOurMedia && _wantedByPeer.TryGetValue(conferenceId, out var wanted) && Array.IndexOf(wanted, sourceId) >= 0;

    /// <summary>The round number of this bridge's next announcement in parts on this link.</summary>
    public ushort NextAnnounceRound() => (ushort)Interlocked.Increment(ref _announceRounds);

    /// <summary>Collects the peer's announcements in parts for one conference.</summary>
    public RelayAnnounceAssembly AnnounceParts(uint conferenceId) => _announceParts.GetOrAdd(conferenceId, _ => new RelayAnnounceAssembly());

    /// <summary>Replaces the child's wanted set for a conference (Subscribe messages are idempotent).</summary>
    public void SetWanted(uint conferenceId, uint[] sources) => _wantedByPeer[conferenceId] = sources;

    /// <summary>Authenticates and decrypts one datagram of this link in place (receive loop only).</summary>
    public RelayUnprotectResult Unprotect(Span<byte> datagram, out RelayHeader header, out int payloadOffset, out int payloadLength) =>
        _cipher.Unprotect(datagram, out header, out payloadOffset, out payloadLength);

    /// <summary>Test-only loss: when set and it returns true, an outgoing media datagram is silently not sent.</summary>
    internal Func<bool>? LossHook { get; set; }

    /// <summary>Protects and sends one relay datagram; false when it did not fit.</summary>
    public bool Send(RelayKind kind, byte hopCount, byte flags, uint conferenceId, uint sourceId, ReadOnlySpan<byte> payload) =>
        Send(null, kind, hopCount, flags, conferenceId, sourceId, payload);

    /// <summary>
    /// Protects one relay datagram straight into the next slot of <paramref name="batch"/> (the caller's thread
    /// owns it and flushes it), or sends it at once when <paramref name="batch"/> is null; false when it did not fit.
    /// RTP copies are timed in the transit histogram when the batch sends them.
    /// </summary>
    public bool Send(SendBatch? batch, RelayKind kind, byte hopCount, byte flags, uint conferenceId, uint sourceId, ReadOnlySpan<byte> payload)
    {
        lock (_sendGate)
        {
            if (kind == RelayKind.Rtp && LossHook is { } lose && lose())
            {
                return true;
            }
            var destination = batch is null ? _sendBuffer : batch.Reserve();
            if (!_cipher.TryProtect(kind, hopCount, Id, conferenceId, sourceId, payload, destination, out var written, flags))
            {
                return false;
            }
            if (batch is null)
            {
                _socket.Send(_sendBuffer.AsSpan(0, written), PeerAddress);
            }
            else
            {
                batch.Commit(written, PeerAddress, observeTransit: kind == RelayKind.Rtp);
            }
            Counters.PacketsOut++;
            Counters.BytesOut += written;
            if (kind != RelayKind.Control)
            {
                MediaPacketsOut++;
            }
            return true;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _cipher.Dispose();
}
