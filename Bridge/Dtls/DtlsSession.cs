using Bridge.Srtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Org.BouncyCastle.Tls;

namespace Bridge.Dtls;

/// <summary>
/// One endpoint's DTLS-SRTP association (RFC 5764). The UDP receive loop calls <see cref="Enqueue"/> with each DTLS
/// datagram from the peer (RFC 7983: first byte 20..63); the blocking BouncyCastle handshake runs on its own
/// long-running thread, off the packet path. After the handshake, datagrams that still arrive (the peer retransmitting
/// its last flight because our Finished was lost, or its close_notify) are processed on a pooled work item.
/// </summary>
public sealed class DtlsSession : IDisposable
{
    /// <summary>Queued datagrams beyond this are dropped: a handshake flight is a handful of datagrams.</summary>
    private const int QueueCapacity = 64;

    private readonly DtlsHandshakeState _state;
    private readonly ChannelDatagramTransport _transport;
    private readonly TaskCompletionSource<DtlsSrtpKeys> _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _lifetime = new();

    /// <summary>Serialises use of the established DtlsTransport between the drain work item and Dispose.</summary>
    private readonly Lock _established = new();
    private DtlsTransport? _dtls;
    private byte[]? _drainBuffer;
    private volatile bool _handshakeDone;
    private int _draining;
    private int _started;
    private int _disposed;
    private long _dropped;

    /// <summary>
    /// Prepares a session; nothing is sent until <see cref="HandshakeAsync"/>.
    /// <paramref name="remoteFingerprintSdpValue"/> is the peer's a=fingerprint value ("sha-256 AB:CD:...").
    /// </summary>
    /// <exception cref="ArgumentException">The fingerprint does not parse, or the profile list is empty or has unknown or repeated entries.</exception>
    public DtlsSession(
        DtlsCertificate local,
        DtlsRole role,
        string remoteFingerprintSdpValue,
        IDtlsDatagramSender sender,
        IReadOnlyList<SrtpProfile> profilesInPreferenceOrder,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(profilesInPreferenceOrder);
        if (!SdpFingerprint.TryParse(remoteFingerprintSdpValue, out SdpFingerprint expected))
        {
            throw new ArgumentException("Not a usable SDP fingerprint (e.g. \"sha-256 AB:CD:...\").", nameof(remoteFingerprintSdpValue));
        }

        SrtpProfile[] profiles = [.. profilesInPreferenceOrder];
        if (profiles.Length == 0 || profiles.Any(p => !Enum.IsDefined(p)) || profiles.Distinct().Count() != profiles.Length)
        {
            throw new ArgumentException("Give one or more distinct known SRTP profiles.", nameof(profilesInPreferenceOrder));
        }

        _state = new DtlsHandshakeState(local, role, expected, profiles, logger ?? NullLogger.Instance)
        {
            PeerClosed = OnPeerClosed,
        };
        _transport = new ChannelDatagramTransport(QueueCapacity, sender, _state);
    }

    /// <summary>Datagrams not queued: queue full, not well-formed DTLS 1.2 records, larger than an MTU, or after Dispose.</summary>
    public long DroppedDatagrams => Interlocked.Read(ref _dropped);

    /// <summary>
    /// Completes when the association ends: the peer's close_notify or fatal alert after the handshake, a failed
    /// handshake, or <see cref="Dispose"/>.
    /// </summary>
    public Task Closed => _closed.Task;

    /// <summary>Queues a datagram from the peer. Copies it; never blocks and never throws.</summary>
    public void Enqueue(ReadOnlySpan<byte> datagram)
    {
        bool acceptable = datagram.Length <= ChannelDatagramTransport.ReceiveLimit
            && DtlsRecordFilter.IsPlausible(datagram)
            && Volatile.Read(ref _disposed) == 0;
        if (!acceptable || !_transport.TryEnqueue(datagram))
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        if (_handshakeDone)
        {
            ScheduleDrain();
        }
    }

    /// <summary>
    /// Starts the handshake (first call only; later calls return the same task and ignore their arguments) and
    /// completes with the SRTP keys, or faults with <see cref="DtlsHandshakeException"/>: Timeout when
    /// <paramref name="timeout"/> elapses, Closed when cancelled or disposed.
    /// </summary>
    public Task<DtlsSrtpKeys> HandshakeAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timeout.TotalMilliseconds, int.MaxValue, nameof(timeout));
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            // BouncyCastle blocks in Receive for the whole handshake: give it its own thread, not a pool thread.
            Task.Factory.StartNew(
                () => RunHandshake(timeout, cancellationToken),
                CancellationToken.None,
                TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach,
                TaskScheduler.Default);
        }

        return _handshake.Task;
    }

    /// <summary>Aborts a running handshake, sends close_notify on an established association and frees the queue.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Close first so an established peer gets close_notify; cancelling first would fail a drain in progress.
        lock (_established)
        {
            CloseEstablished();
        }

        _lifetime.Cancel();

        _transport.Shutdown();
        _closed.TrySetResult();
        _handshake.TrySetException(new DtlsHandshakeException(DtlsFailure.Closed, "DTLS session disposed"));
    }

    private void RunHandshake(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout);
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken, _lifetime.Token);
        _state.HandshakeTimeoutMillis = (int)Math.Ceiling(timeout.TotalMilliseconds);
        _transport.SetAbort(abort.Token);
        try
        {
            // No HelloVerifyRequest (Accept without a DtlsRequest): ICE consent already proved the peer's address
            // (RFC 8445 / RFC 7675), and a DTLS 1.3-capable client is spared the cookie round trip.
            DtlsTransport dtls = _state.Role == DtlsRole.Server
                ? new DtlsServerProtocol().Accept(new SrtpDtlsServer(_state), _transport)
                : new DtlsClientProtocol().Connect(new SrtpDtlsClient(_state), _transport);
            DtlsSrtpKeys keys = _state.Keys ?? throw new InvalidOperationException("Handshake completed without keys");

            lock (_established)
            {
                _transport.SetAbort(_lifetime.Token);
                _dtls = dtls;
                _drainBuffer = new byte[ChannelDatagramTransport.ReceiveLimit];
                if (Volatile.Read(ref _disposed) != 0)
                {
                    CloseEstablished();
                }
            }

            DtlsLog.HandshakeComplete(_state.Logger, _state.Role, keys.Profile);
            _handshake.TrySetResult(keys);
            _handshakeDone = true;
            if (_transport.HasPending)
            {
                ScheduleDrain();
            }
        }
#pragma warning disable CA1031 // Every failure of the handshake thread must end up in the task, classified.
        catch (Exception e)
#pragma warning restore CA1031
        {
            DtlsFailure reason = _state.Failure
                ?? (deadline.IsCancellationRequested || HasInner<TlsTimeoutException>(e) ? DtlsFailure.Timeout
                : abort.IsCancellationRequested ? DtlsFailure.Closed
                : DtlsFailure.Protocol);
            DtlsLog.HandshakeFailed(_state.Logger, _state.Role, reason, e);
            _closed.TrySetResult();
            _handshake.TrySetException(new DtlsHandshakeException(reason, $"DTLS {_state.Role} handshake failed: {reason}", e));
        }
    }

    private void ScheduleDrain()
    {
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static session => session.Drain(), this, preferLocal: false);
        }
    }

    /// <summary>
    /// Feeds queued datagrams through the established record layer: it answers a retransmitted final flight by
    /// resending ours (RFC 6347 4.2.4) and reports alerts. Application data is not used by WebRTC media and is dropped.
    /// </summary>
    private void Drain()
    {
        while (true)
        {
            lock (_established)
            {
                while (_dtls is not null && _transport.HasPending)
                {
                    try
                    {
                        // A short wait: the queued datagram is returned at once, the wait only ends the read.
                        _dtls.Receive(_drainBuffer!, 0, _drainBuffer!.Length, 1);
                    }
#pragma warning disable CA1031 // A fatal alert or corrupt association ends it; it must not kill the pool thread.
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        DtlsLog.AssociationEnded(_state.Logger, _state.Role, e);
                        _dtls = null;
                        _closed.TrySetResult();
                    }
                }
            }

            Volatile.Write(ref _draining, 0);

            // A datagram enqueued after the inner loop's last check but before the flag was cleared would be stranded.
            if (!_transport.HasPending || Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
            {
                return;
            }
        }
    }

    /// <summary>Called by the record layer (inside Drain) when the peer sends close_notify or a fatal alert.</summary>
    private void OnPeerClosed()
    {
        DtlsLog.AssociationEnded(_state.Logger, _state.Role, null);
        _closed.TrySetResult();
    }

    private void CloseEstablished()
    {
        if (_dtls is null)
        {
            return;
        }

        try
        {
            _dtls.Close(); // sends close_notify (RFC 5246 7.2.1)
        }
#pragma warning disable CA1031 // Closing is best effort.
        catch (Exception e)
#pragma warning restore CA1031
        {
            DtlsLog.AssociationEnded(_state.Logger, _state.Role, e);
        }

        _dtls = null;
    }

    private static bool HasInner<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T)
            {
                return true;
            }
        }

        return false;
    }
}
