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
    private static readonly Lock ClaimGate = new();
    private readonly MediaSocket[] _sockets;

    /// <summary>Binds <see cref="BridgeOptions.EffectiveReceiveLoops"/> sockets to the media address and port.</summary>
    public MediaSockets(IOptions<BridgeOptions> options, BridgeCounters counters)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(counters);
        var address = IPAddress.Parse(options.Value.MediaBindAddress);
        var count = options.Value.EffectiveReceiveLoops;
        _sockets = count == 1
            ? [new MediaSocket(address, options.Value.MediaPort, counters.AddPart())]
            : BindGroup(address, options.Value.MediaPort, count, counters);
    }

    /// <summary>
    /// Binds <paramref name="count"/> SO_REUSEPORT sockets to one port that no other socket holds. SO_REUSEPORT alone
    /// would join the group of any socket of the same user on that port: a stale bridge on a fixed port, or, with port
    /// 0, whichever reuse-port socket the kernel's ephemeral pick lands on (it treats those as shareable), and the
    /// two bridges would then split each other's peers. So a socket without SO_REUSEPORT claims the port first.
    /// </summary>
    private static MediaSocket[] BindGroup(IPAddress address, int port, int count, BridgeCounters counters)
    {
        var parts = Enumerable.Range(0, count).Select(_ => counters.AddPart()).ToArray();
        for (var attempt = 1; ; attempt++)
        {
            int claimed;
            // One bridge at a time in this process, so two bridges never claim the same freed port.
            lock (ClaimGate)
            {
                using (var probe = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp))
                {
                    probe.Bind(new IPEndPoint(address, port));
                    claimed = ((IPEndPoint)probe.LocalEndPoint!).Port;
                }
                var sockets = new List<MediaSocket>(count);
                try
                {
                    for (var i = 0; i < count; i++)
                    {
                        sockets.Add(new MediaSocket(address, claimed, parts[i], reusePort: true));
                    }
                    return [.. sockets];
                }
                catch (SocketException e) when (port == 0 && e.SocketErrorCode == SocketError.AddressAlreadyInUse && attempt < 5)
                {
                    // Another process took the free port between the probe and the group: pick another.
                    sockets.ForEach(s => s.Dispose());
                }
            }
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
