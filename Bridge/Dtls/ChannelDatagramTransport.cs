using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Org.BouncyCastle.Tls;

namespace Bridge.Dtls;

/// <summary>
/// BouncyCastle's blocking <see cref="DatagramTransport"/> over a bounded in-memory queue: the UDP receive loop
/// enqueues without blocking, BouncyCastle's Receive waits (a real wait on a semaphore that counts queued datagrams)
/// for up to the time it asks, and Send goes straight to the session's sender.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The SemaphoreSlim never creates a wait handle (AvailableWaitHandle is unused), and disposing it would race Enqueue's Release.")]
internal sealed class ChannelDatagramTransport : DatagramTransport
{
    /// <summary>Largest datagram accepted from the peer: an Ethernet MTU.</summary>
    public const int ReceiveLimit = 1500;

    /// <summary>
    /// Largest datagram we send: 1200 bytes leaves room for IPv6, UDP and TURN headers on a 1280-byte path,
    /// so BouncyCastle fragments handshake messages (certificates) to fit.
    /// </summary>
    public const int SendLimit = 1200;

    private readonly Channel<PooledDatagram> _queue;
    private readonly SemaphoreSlim _available = new(0);
    private readonly IDtlsDatagramSender _sender;
    private readonly DtlsHandshakeState _state;
    private CancellationToken _abort;
    private volatile bool _closed;

    public ChannelDatagramTransport(int capacity, IDtlsDatagramSender sender, DtlsHandshakeState state)
    {
        _queue = Channel.CreateBounded<PooledDatagram>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of evicting, so we count the drop
            SingleReader = false,
            SingleWriter = false,
        });
        _sender = sender;
        _state = state;
    }

    /// <summary>Whether a datagram is waiting to be read.</summary>
    public bool HasPending => _available.CurrentCount > 0;

    /// <summary>Makes every current and future wait in Receive end with <see cref="OperationCanceledException"/>.</summary>
    public void SetAbort(CancellationToken abort) => _abort = abort;

    /// <summary>Copies a datagram into the queue; false (nothing kept) when it is full or completed.</summary>
    public bool TryEnqueue(ReadOnlySpan<byte> datagram)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(datagram.Length);
        datagram.CopyTo(buffer);
        if (!_queue.Writer.TryWrite(new PooledDatagram(buffer, datagram.Length)))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return false;
        }

        _available.Release();
        return true;
    }

    /// <summary>Stops accepting datagrams and sending, and returns queued buffers to the pool.</summary>
    public void Shutdown()
    {
        _closed = true;
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryRead(out PooledDatagram item))
        {
            ArrayPool<byte>.Shared.Return(item.Buffer);
        }
    }

    public int GetReceiveLimit() => ReceiveLimit;

    public int GetSendLimit() => SendLimit;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    /// <summary>
    /// Returns the next datagram's length, or -1 when none arrived within <paramref name="waitMillis"/>
    /// (0 means wait indefinitely, as in BouncyCastle's contract). Throws when the session aborts the handshake.
    /// </summary>
    public int Receive(Span<byte> buffer, int waitMillis)
    {
        if (!_available.Wait(waitMillis == 0 ? Timeout.Infinite : waitMillis, _abort))
        {
            return -1;
        }

        if (!_queue.Reader.TryRead(out PooledDatagram item))
        {
            return -1; // emptied by Shutdown
        }

        try
        {
            // Oversized for this read: report an empty datagram, which the record layer discards.
            if (item.Length > buffer.Length)
            {
                return 0;
            }

            item.Buffer.AsSpan(0, item.Length).CopyTo(buffer);
            return item.Length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(item.Buffer);
        }
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    /// <summary>Hands a datagram to the sender; a failing send is treated like a lost packet (DTLS retransmits).</summary>
    public void Send(ReadOnlySpan<byte> buffer)
    {
        if (_closed)
        {
            return;
        }

        try
        {
            _sender.Send(buffer);
        }
#pragma warning disable CA1031 // A sender fault must not abort the handshake: UDP loss is what DTLS retransmission handles.
        catch (Exception e)
#pragma warning restore CA1031
        {
            DtlsLog.SendFailed(_state.Logger, _state.Role, e);
        }
    }

    /// <summary>BouncyCastle closes its transport when the association ends; the session owns the queue, so only stop sending after this.</summary>
    public void Close()
    {
    }

    private readonly record struct PooledDatagram(byte[] Buffer, int Length);
}
