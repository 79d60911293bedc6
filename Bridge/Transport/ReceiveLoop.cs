using Bridge.Conferences;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bridge.Transport;

/// <summary>
/// The media receive loop: one dedicated thread, one pinned buffer, one reused SocketAddress;
/// every datagram goes to the <see cref="PacketRouter"/>. Nothing here allocates per packet.
/// </summary>
public sealed class ReceiveLoop : IHostedService
{
    /// <summary>Receive buffer size; larger datagrams are truncated by the kernel and dropped as oversized.</summary>
    public const int BufferSize = 2048;

    private readonly MediaSocket _socket;
    private readonly PacketRouter _router;
    private readonly ILogger<ReceiveLoop> _logger;
    private Thread? _thread;

    /// <summary>Creates the loop.</summary>
    public ReceiveLoop(MediaSocket socket, PacketRouter router, ILogger<ReceiveLoop> logger)
    {
        _socket = socket;
        _router = router;
        _logger = logger;
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "media-receive" };
        _thread.Start();
        ConferenceLog.Listening(_logger, _socket.LocalEndPoint);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        _socket.Dispose();
        _thread?.Join(TimeSpan.FromSeconds(2));
        return Task.CompletedTask;
    }

    private void Run()
    {
        var buffer = GC.AllocateArray<byte>(BufferSize, pinned: true);
        var from = new System.Net.SocketAddress(_socket.AddressFamily);
        while (true)
        {
            var length = _socket.Receive(buffer, from);
            if (length < 0)
            {
                return;
            }
            try
            {
                _router.OnDatagram(buffer.AsSpan(0, length), from);
            }
#pragma warning disable CA1031 // The loop must outlive any bug in packet handling; the bug is logged.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                ConferenceLog.PacketHandlingFailed(_logger, ex);
            }
        }
    }
}
