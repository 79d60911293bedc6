using System.Net;
using System.Net.Sockets;
using Bridge.Hosting;
using Bridge.Metrics;
using Microsoft.Extensions.Options;

namespace Bridge.Transport;

/// <summary>
/// The media port's sockets, one per media loop. Several are bound with SO_REUSEPORT to the same address and port,
/// each with its own counters; the kernel hashes every peer's 4-tuple to one of them, always the same one.
/// </summary>
public sealed class MediaSockets : IDisposable
{
    private readonly MediaSocket[] _sockets;

    /// <summary>Binds <see cref="BridgeOptions.EffectiveReceiveLoops"/> sockets to the media address and port.</summary>
    public MediaSockets(IOptions<BridgeOptions> options, BridgeCounters counters)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(counters);
        var address = IPAddress.Parse(options.Value.MediaBindAddress);
        var count = options.Value.EffectiveReceiveLoops;
        var port = options.Value.MediaPort;
        if (count > 1 && port != 0)
        {
            // SO_REUSEPORT would let this bridge share the port with another process of the same user (a stale
            // bridge): bind once without it first, so a taken port fails here as it does with one loop.
            using var probe = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Bind(new IPEndPoint(address, port));
        }
        _sockets = new MediaSocket[count];
        for (var i = 0; i < count; i++)
        {
            _sockets[i] = new MediaSocket(address, i == 0 ? port : _sockets[0].LocalPort, counters.AddPart(), reusePort: count > 1);
        }
    }

    /// <summary>Number of sockets (and media loops).</summary>
    public int Count => _sockets.Length;

    /// <summary>The socket of loop <paramref name="loop"/>; socket 0 also carries the control threads' sends (DTLS, keepalives).</summary>
    public MediaSocket this[int loop] => _sockets[loop];

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }
}
