using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using Bridge.Api;
using BridgeRelay.Link;

namespace Bridge.Tests.Support;

/// <summary>
/// The test playing the other end of a relay link on a real loopback socket: the link is created on the bridge with a
/// fresh key through its control API, and the test protects and sends datagrams as <c>peerId</c> would.
/// </summary>
internal sealed class FakeRelayPeer : IDisposable
{
    private readonly TestBridge _bridge;
    private readonly uint _linkId;
    private readonly byte[] _buffer = new byte[4096];

    private FakeRelayPeer(TestBridge bridge, uint linkId, byte[] key, Socket socket, RelayCipher cipher)
    {
        _bridge = bridge;
        _linkId = linkId;
        Key = key;
        Socket = socket;
        Cipher = cipher;
    }

    /// <summary>The link key both ends hold.</summary>
    public byte[] Key { get; }

    /// <summary>The peer's socket (datagrams from the bridge arrive here).</summary>
    public Socket Socket { get; }

    /// <summary>The peer's end of the link cipher.</summary>
    public RelayCipher Cipher { get; }

    /// <summary>
    /// Creates link <paramref name="linkId"/> on <paramref name="bridge"/> (whose id is <paramref name="bridgeId"/>) to a peer
    /// <paramref name="peerId"/> that is its <paramref name="peerRole"/> ("parent", "child" or "mesh").
    /// </summary>
    public static async Task<FakeRelayPeer> LinkAsync(TestBridge bridge, uint linkId, string peerId, string bridgeId, string peerRole)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var key = RandomNumberGenerator.GetBytes(RelayCipher.LinkKeyLength);
        var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        var created = await bridge.Http.PostAsJsonAsync("/relays", new CreateRelayRequest(linkId, peerId, "127.0.0.1", port, Convert.ToBase64String(key), peerRole));
        created.EnsureSuccessStatusCode();
        return new FakeRelayPeer(bridge, linkId, key, socket, new RelayCipher(key, linkId, peerId, bridgeId));
    }

    /// <summary>Protects one datagram (with <paramref name="with"/>, default the link's cipher) and sends it to the bridge from <paramref name="from"/> (default the peer's socket).</summary>
    public void Send(RelayKind kind, byte hops, uint conference, uint source, ReadOnlySpan<byte> payload, RelayCipher? with = null, Socket? from = null)
    {
        Assert.True((with ?? Cipher).TryProtect(kind, hops, _linkId, conference, source, payload, _buffer, out var written));
        (from ?? Socket).SendTo(_buffer.AsSpan(0, written), SocketFlags.None, _bridge.MediaEndPoint);
    }

    /// <summary>The last datagram <see cref="Send"/> wrote, as sent.</summary>
    public byte[] LastSent(int payloadLength) => _buffer.AsSpan(0, RelayCipher.Overhead + payloadLength).ToArray();

    /// <inheritdoc/>
    public void Dispose()
    {
        Cipher.Dispose();
        Socket.Dispose();
    }
}
