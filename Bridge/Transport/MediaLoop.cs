using System.Net;
using Bridge.Conferences;
using Bridge.Forwarding;
using Bridge.Metrics;
using Microsoft.Extensions.Logging;

namespace Bridge.Transport;

/// <summary>
/// One media loop: a dedicated thread (named <c>media-receive</c>) with its own socket, counters, transit clock,
/// router and forwarder, one pinned buffer and one reused SocketAddress. It owns the endpoints whose address the
/// kernel hashes to its socket and does what other loops hand it. With one loop it blocks in the socket's receive;
/// with several it reads without blocking, drains its hand-off rings, and sleeps in poll(2) when both are empty.
/// Nothing here allocates per packet.
/// </summary>
public sealed class MediaLoop
{
    /// <summary>Receive buffer size; larger datagrams are dropped as oversized.</summary>
    public const int BufferSize = 2048;

    // Datagrams read before the hand-off rings get a turn, and the poll timeout (a safety net: wakes are explicit).
    private const int ReceiveBurst = 64;
    private const int SleepMilliseconds = 500;

    private readonly MediaSocket _socket;
    private readonly LoopMesh _mesh;
    private readonly ILogger _logger;
    private readonly Func<bool> _hasWork;
    private Thread? _thread;
    private volatile bool _stopping;
    private long _allocatedAtStart = -1;
    private long _allocated;

    internal MediaLoop(int index, MediaSocket socket, PacketRouter router, Forwarder forwarder, LoopMesh mesh, ILogger logger)
    {
        Index = index;
        _socket = socket;
        Router = router;
        Forwarder = forwarder;
        _mesh = mesh;
        _logger = logger;
        _hasWork = () => _stopping || _mesh.HasWork(Index);
    }

    /// <summary>The loop's number, 0-based.</summary>
    public int Index { get; }

    /// <summary>The loop's router (its thread only).</summary>
    public PacketRouter Router { get; }

    /// <summary>The loop's forwarder (its thread only; benchmarks drive loop 0's from their own thread).</summary>
    public Forwarder Forwarder { get; }

    /// <summary>
    /// Bytes the loop's thread has allocated since it started, sampled by the thread itself after each burst: it stays
    /// flat while media flows (the packet path allocates nothing); a rise points at a regression.
    /// </summary>
    public long AllocatedBytes => _allocatedAtStart < 0 ? 0 : Volatile.Read(ref _allocated) - Volatile.Read(ref _allocatedAtStart);

    /// <summary>Starts the thread.</summary>
    internal void Start()
    {
        _thread = new Thread(_mesh.Count > 1 ? RunPolling : RunBlocking) { IsBackground = true, Name = "media-receive" };
        _thread.Start();
    }

    /// <summary>Asks the thread to stop (a blocking loop also needs its socket closed).</summary>
    internal void RequestStop()
    {
        _stopping = true;
        _mesh.Waker(Index)?.Wake();
    }

    /// <summary>Waits for the thread to end.</summary>
    internal bool Join(TimeSpan timeout) => _thread?.Join(timeout) ?? true;

    // One loop: block in the receive; closing the socket ends it.
    private void RunBlocking()
    {
        var buffer = GC.AllocateArray<byte>(BufferSize, pinned: true);
        var from = new SocketAddress(_socket.AddressFamily);
        SampleAllocations();
        while (!_stopping)
        {
            var length = _socket.Receive(buffer, from);
            if (length < 0)
            {
                return;
            }
            Handle(buffer.AsSpan(0, length), from);
            SampleAllocations();
        }
    }

    // Several loops: alternate between the socket and the hand-off rings, sleep when neither has anything.
    private void RunPolling()
    {
        var buffer = GC.AllocateArray<byte>(BufferSize, pinned: true);
        var from = new SocketAddress(_socket.AddressFamily);
        var waker = _mesh.Waker(Index)!;
        var handle = _socket.Handle;
        var added = false;
        SampleAllocations();
        try
        {
            // Held for the loop's life: the descriptor number cannot be reused under us while the socket closes.
            handle.DangerousAddRef(ref added);
            var descriptor = (int)handle.DangerousGetHandle();
            while (!_stopping)
            {
                var worked = false;
                for (var i = 0; i < ReceiveBurst; i++)
                {
                    var length = LinuxUdp.ReceiveNonBlocking(descriptor, buffer, from, out var errno);
                    if (length < 0)
                    {
                        if (errno == LinuxUdp.ErrorInterrupted)
                        {
                            continue;
                        }
                        // Nothing queued, or an ICMP error from an earlier send (not about a receive).
                        break;
                    }
                    worked = true;
                    if (length > BufferSize)
                    {
                        _socket.Counters.Drop(DropReason.Oversized);
                        continue;
                    }
                    Handle(buffer.AsSpan(0, length), from);
                }
                worked |= DrainHandOffs() > 0;
                SampleAllocations();
                if (!worked)
                {
                    waker.Sleep(descriptor, _hasWork, SleepMilliseconds);
                }
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private void SampleAllocations()
    {
        var now = GC.GetAllocatedBytesForCurrentThread();
        if (_allocatedAtStart < 0)
        {
            Volatile.Write(ref _allocated, now);
            Volatile.Write(ref _allocatedAtStart, now);
            return;
        }
        Volatile.Write(ref _allocated, now);
    }

    private int DrainHandOffs()
    {
        try
        {
            return _mesh.Drain(Index, Forwarder);
        }
#pragma warning disable CA1031 // The loop must outlive any bug in packet handling; the bug is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ConferenceLog.PacketHandlingFailed(_logger, ex);
            return 1;
        }
    }

    private void Handle(Span<byte> datagram, SocketAddress from)
    {
        try
        {
            Router.OnDatagram(datagram, from);
        }
#pragma warning disable CA1031 // The loop must outlive any bug in packet handling; the bug is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            ConferenceLog.PacketHandlingFailed(_logger, ex);
        }
    }
}
