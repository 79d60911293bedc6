using System.Net;
using System.Net.Sockets;
using Bridge.Dtls;

namespace Bridge.Tests.Dtls;

/// <summary>
/// One end of a real UDP link on 127.0.0.1: sends a session's datagrams to the other end and feeds what it
/// receives into its session, like the bridge's receive loop. An optional filter drops outgoing datagrams.
/// </summary>
internal sealed class LoopbackUdpPeer : IDtlsDatagramSender, IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private EndPoint _remote = new IPEndPoint(IPAddress.Loopback, 9);
    private Task _loop = Task.CompletedTask;
    private int _sent;

    public LoopbackUdpPeer()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public EndPoint LocalEndPoint => _socket.LocalEndPoint!;

    public DtlsSession? Session { get; set; }

    /// <summary>Returns false to drop an outgoing datagram (simulated loss).</summary>
    public Func<ReadOnlyMemory<byte>, bool>? Filter { get; set; }

    public int Sent => Volatile.Read(ref _sent);

    /// <summary>Connects two peers to each other and starts both receive loops.</summary>
    public static void Link(LoopbackUdpPeer a, LoopbackUdpPeer b)
    {
        a._remote = b.LocalEndPoint;
        b._remote = a.LocalEndPoint;
        a.Start();
        b.Start();
    }

    public void Send(ReadOnlySpan<byte> datagram)
    {
        Interlocked.Increment(ref _sent);
        if (Filter is { } filter && !filter(datagram.ToArray()))
        {
            return;
        }

        _socket.SendTo(datagram, SocketFlags.None, _remote);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            // The loop ends with the socket's disposal.
        }

        _stop.Dispose();
    }

    private void Start() => _loop = Task.Run(ReceiveLoop);

    private async Task ReceiveLoop()
    {
        byte[] buffer = new byte[2048];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            Session?.Enqueue(buffer.AsSpan(0, result.ReceivedBytes));
        }
    }
}
