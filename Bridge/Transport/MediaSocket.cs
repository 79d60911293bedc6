using System.Net;
using System.Net.Sockets;
using Bridge.Metrics;

namespace Bridge.Transport;

/// <summary>
/// One of the bridge's UDP sockets on the media port, for every endpoint (STUN, DTLS, SRTP, relay). With several
/// media loops each has its own, bound with SO_REUSEPORT so the kernel spreads peers over them by 4-tuple.
/// Sending is thread-safe and allocation-free (<see cref="SocketAddress"/> overloads); receiving runs in its
/// <see cref="MediaLoop"/>.
/// </summary>
public sealed class MediaSocket : IDisposable
{
    private readonly Socket _socket;
    private readonly BridgeCounters _counters;
    private volatile bool _disposed;

    private const int SocketLevel = 1;
    private const int ReusePortOption = 15;

    /// <summary>Binds the socket; port 0 picks a free one. <paramref name="reusePort"/> sets SO_REUSEPORT (Linux) first.</summary>
    public MediaSocket(IPAddress bindAddress, int port, BridgeCounters counters, bool reusePort = false)
    {
        ArgumentNullException.ThrowIfNull(bindAddress);
        _counters = counters;
        _socket = new Socket(bindAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
        {
            // Bursts of keyframes fan out to many receivers: give the kernel room.
            ReceiveBufferSize = 4 << 20,
            SendBufferSize = 4 << 20,
        };
        if (reusePort)
        {
            _socket.SetRawSocketOption(SocketLevel, ReusePortOption, BitConverter.GetBytes(1));
        }
        _socket.Bind(new IPEndPoint(bindAddress, port));
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        Handle = _socket.SafeHandle;
    }

    /// <summary>The socket's handle for <see cref="SendBatch"/>'s sendmmsg (ref-counted per call, so closing is safe).</summary>
    internal SafeSocketHandle Handle { get; }

    /// <summary>The counters of the loop this socket belongs to.</summary>
    internal BridgeCounters Counters => _counters;

    /// <summary>The bound address and port.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The bound port.</summary>
    public int LocalPort => LocalEndPoint.Port;

    /// <summary>Address family of the socket (for receive-side <see cref="SocketAddress"/>es).</summary>
    public AddressFamily AddressFamily => _socket.AddressFamily;

    /// <summary>Sends one datagram; false when it was not sent (a refused send is counted, never thrown).</summary>
    public bool Send(ReadOnlySpan<byte> datagram, SocketAddress to)
    {
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, to);
            _counters.PacketsOut++;
            _counters.BytesOut += datagram.Length;
            return true;
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _counters.SendErrors);
        }
        catch (ObjectDisposedException)
        {
            // Shutting down.
        }
        return false;
    }

    /// <summary>Receives one datagram into <paramref name="buffer"/>; returns its length, or -1 when the socket is closed.</summary>
    public int Receive(Span<byte> buffer, SocketAddress from)
    {
        ArgumentNullException.ThrowIfNull(from);
        while (!_disposed)
        {
            try
            {
                // The kernel shrinks the address to what it returned (0 on shutdown); give it full room again.
                from.Size = from.Buffer.Length;
                var length = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
                if (!_disposed)
                {
                    return length;
                }
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.MessageSize)
            {
                _counters.Drop(DropReason.Oversized);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused)
            {
                // ICMP unreachable from an earlier send; not about this receive.
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted or SocketError.Shutdown)
            {
                return -1;
            }
            catch (ObjectDisposedException)
            {
                return -1;
            }
        }
        return -1;
    }

    /// <summary>Closes the socket; a blocked receive returns -1.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // UDP sockets need no shutdown; this only wakes a blocked receive on some kernels.
        }
        _socket.Dispose();
    }
}
