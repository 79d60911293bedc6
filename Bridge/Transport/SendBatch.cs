using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Bridge.Metrics;
using Microsoft.Extensions.Logging;

namespace Bridge.Transport;

/// <summary>
/// Datagrams gathered on one thread and handed to the kernel with one <c>sendmmsg</c> per
/// <see cref="Capacity"/> of them (Linux), or one <c>SendTo</c> each elsewhere or after the syscall proved
/// unavailable. Callers write a datagram straight into the next pooled slot (<see cref="Reserve"/>), then
/// <see cref="Commit"/> it; <see cref="Flush"/> sends what is pending. Slots, iovecs, sockaddrs and mmsghdrs
/// are pinned arrays built once, so nothing allocates per datagram. Not thread-safe: one owner thread.
/// </summary>
public sealed unsafe partial class SendBatch
{
    /// <summary>Datagrams per syscall; a full batch is sent before the next slot is handed out.</summary>
    public const int Capacity = 32;

    /// <summary>Bytes a slot holds: any RTP/RTCP/relay datagram of the bridge plus protection overhead.</summary>
    public const int SlotLength = 2048;

    /// <summary>Room per destination: sockaddr_in6 is 28 bytes; 32 keeps slots aligned.</summary>
    private const int NameLength = 32;

    /// <summary>EINTR retries per flush before the datagram at hand counts as failed (bounds the loop).</summary>
    private const int MaxInterrupts = 8;

    private readonly MediaSocket _socket;
    private readonly BridgeCounters _counters;
    private readonly PacketTransit? _transit;
    private readonly ILogger? _logger;
    private readonly byte[] _data = GC.AllocateArray<byte>(Capacity * SlotLength, pinned: true);
    private readonly byte[] _names = GC.AllocateArray<byte>(Capacity * NameLength, pinned: true);
    private readonly LinuxUdp.IoVec[] _iovecs = GC.AllocateArray<LinuxUdp.IoVec>(Capacity, pinned: true);
    private readonly LinuxUdp.MultiMessageHeader[] _headers = GC.AllocateArray<LinuxUdp.MultiMessageHeader>(Capacity, pinned: true);
    // The fallback path needs the managed addresses; the native one uses the copies in _names.
    private readonly SocketAddress?[] _to = new SocketAddress?[Capacity];
    private readonly LinuxUdp.MultiMessageHeader* _headersPointer;
    private int _count;
    private int _observe;
    private bool _native;

    /// <summary>
    /// Creates a batch sending on <paramref name="socket"/>. <paramref name="useSendmmsg"/> false (or a platform
    /// without it) sends each datagram with <c>SendTo</c>. Copies committed with <c>observeTransit</c> are timed
    /// in <paramref name="transit"/> when they leave.
    /// </summary>
    public SendBatch(MediaSocket socket, BridgeCounters counters, PacketTransit? transit = null, ILogger? logger = null, bool useSendmmsg = true)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(counters);
        _socket = socket;
        _counters = counters;
        _transit = transit;
        _logger = logger;
        _native = useSendmmsg && LinuxUdp.IsSupported;
        // Pinned arrays live on the pinned object heap and never move: the pointers stay valid for the batch's life.
        var data = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_data));
        var names = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_names));
        var iovecs = (LinuxUdp.IoVec*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_iovecs));
        _headersPointer = (LinuxUdp.MultiMessageHeader*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_headers));
        for (var i = 0; i < Capacity; i++)
        {
            iovecs[i].Base = data + (i * SlotLength);
            _headersPointer[i].Header.Name = names + (i * NameLength);
            _headersPointer[i].Header.Iov = iovecs + i;
            _headersPointer[i].Header.IovLength = 1;
        }
    }

    /// <summary>Datagrams committed and not yet sent.</summary>
    public int Count => _count;

    /// <summary>True while datagrams go out through <c>sendmmsg</c>; false on the <c>SendTo</c> fallback.</summary>
    public bool UsesSendmmsg => _native;

    /// <summary>
    /// The slot the next datagram is written into (<see cref="SlotLength"/> bytes); a full batch is sent first.
    /// Writing into it and then not committing (say, protection failed) simply leaves the slot free.
    /// </summary>
    public Span<byte> Reserve()
    {
        if (_count == Capacity)
        {
            Flush();
        }
        return _data.AsSpan(_count * SlotLength, SlotLength);
    }

    /// <summary>
    /// Queues the first <paramref name="length"/> bytes of the slot last returned by <see cref="Reserve"/> for
    /// <paramref name="to"/>; <paramref name="observeTransit"/> times the copy in the transit histogram when sent.
    /// </summary>
    public void Commit(int length, SocketAddress to, bool observeTransit = false)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, SlotLength);
        if (_count == Capacity)
        {
            // Commit without a Reserve: the slot it would fill is out of range, so send what is there.
            Flush();
        }
        var name = to.Buffer.Span[..to.Size];
        if (name.Length > NameLength)
        {
            // No address family the bridge binds has a longer sockaddr; never sent, so a send error.
            Interlocked.Increment(ref _counters.SendErrors);
            return;
        }
        var i = _count++;
        _to[i] = to;
        name.CopyTo(_names.AsSpan(i * NameLength, NameLength));
        _headersPointer[i].Header.NameLength = (uint)name.Length;
        _iovecs[i].Length = (nuint)length;
        if (observeTransit)
        {
            _observe++;
        }
    }

    /// <summary>Sends every committed datagram; returns how many the kernel took. Refused ones are counted as send errors, never thrown.</summary>
    public int Flush()
    {
        var count = _count;
        if (count == 0)
        {
            return 0;
        }
        _count = 0;
        var sent = _native ? SendMultiple(count) : SendEach(0, count);
        var observe = _observe;
        _observe = 0;
        for (var i = 0; i < observe && _transit is not null; i++)
        {
            _transit.ObserveSent();
        }
        return sent;
    }

    private int SendMultiple(int count)
    {
        var next = 0;
        var sent = 0;
        // Datagrams and bytes sent by sendmmsg itself; MediaSocket.Send counts the SendTo ones.
        var batched = 0;
        long bytes = 0;
        var interrupts = 0;
        while (next < count)
        {
            int accepted;
            int error;
            try
            {
                accepted = LinuxUdp.SendMultiple(_socket.Handle, _headersPointer + next, (uint)(count - next), out error);
            }
            catch (ObjectDisposedException)
            {
                break; // Shutting down.
            }
            if (accepted > 0)
            {
                for (var i = next; i < next + accepted; i++)
                {
                    bytes += _headersPointer[i].Length;
                }
                batched += accepted;
                next += accepted;
                continue;
            }
            if (accepted < 0 && error == LinuxUdp.ErrorInterrupted && ++interrupts <= MaxInterrupts)
            {
                continue;
            }
            if (accepted < 0 && error is LinuxUdp.ErrorNotImplemented or LinuxUdp.ErrorNotPermitted)
            {
                // The kernel (or a seccomp filter) has no sendmmsg: SendTo from now on.
                _native = false;
                if (_logger is not null)
                {
                    SendmmsgUnavailable(_logger, error);
                }
                sent += SendEach(next, count);
                break;
            }
            // sendmmsg reports an error only when the first datagram of the call failed (the ones before it went
            // out and came back as a count). That one goes through SendTo, which counts it if the kernel refuses it
            // again; the rest get another sendmmsg. Each round moves on by at least one datagram.
            sent += SendEach(next, next + 1);
            next++;
        }
        _counters.PacketsOut += batched;
        _counters.BytesOut += bytes;
        return sent + batched;
    }

    // SendTo for the datagrams [from, end); MediaSocket.Send counts them (or their errors).
    private int SendEach(int from, int end)
    {
        var sent = 0;
        for (var i = from; i < end; i++)
        {
            if (_socket.Send(_data.AsSpan(i * SlotLength, (int)_iovecs[i].Length), _to[i]!))
            {
                sent++;
            }
        }
        return sent;
    }

    [LoggerMessage(EventId = 1009, Level = LogLevel.Warning, Message = "sendmmsg is not available (errno {Errno}); media is sent with one sendto per datagram")]
    private static partial void SendmmsgUnavailable(ILogger logger, int errno);
}
