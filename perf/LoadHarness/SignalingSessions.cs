using System.Net.WebSockets;

namespace LoadHarness;

/// <summary>
/// The signaling WebSockets of joined publishers and viewers, kept open for the run: a node closes a client silent for 3
/// heartbeats and then deletes its bridge endpoint, and a client that does not read is dropped once 256 frames queue up.
/// One timer pings every socket each half heartbeat (one round at a time, sockets in turn, no task per socket); each socket
/// has one pending receive that discards what the node pushes (stage, visitors, pong) and counts what matters.
/// </summary>
public sealed class SignalingSessions : IAsyncDisposable
{
    private static readonly byte[] Ping = """{"v":1,"type":"ping"}"""u8.ToArray();
    private static readonly TimeSpan CloseBound = TimeSpan.FromSeconds(30);

    private readonly List<Session> _open = [];
    private readonly Timer _timer;
    private int _heartbeatSeconds;
    private int _pinging;
    private Task _round = Task.CompletedTask;
    private volatile bool _closing;
    private long _pings;
    private long _pingFailures;
    private long _pongs;
    private long _reoffers;
    private long _errors;
    private long _lost;

    /// <summary>No sessions yet; the timer starts with the first heartbeat period a node announces.</summary>
    public SignalingSessions() => _timer = new Timer(_ => StartRound(), null, Timeout.Infinite, Timeout.Infinite);

    /// <summary>Sessions held.</summary>
    public int Count
    {
        get
        {
            lock (_open)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>Sessions whose WebSocket is open now.</summary>
    public int OpenNow
    {
        get
        {
            lock (_open)
            {
                return _open.Count(s => s.Socket.State == WebSocketState.Open);
            }
        }
    }

    /// <summary>Pings sent / sends that failed.</summary>
    public (long Sent, long Failed) Pings => (Interlocked.Read(ref _pings), Interlocked.Read(ref _pingFailures));

    /// <summary>Pongs received.</summary>
    public long Pongs => Interlocked.Read(ref _pongs);

    /// <summary><c>reoffer</c> messages received (the harness does not renegotiate: such a viewer loses its media).</summary>
    public long Reoffers => Interlocked.Read(ref _reoffers);

    /// <summary><c>error</c> messages received after the join.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Sockets the node closed or that broke before the harness closed them.</summary>
    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>A node's <c>welcome</c> announced <paramref name="seconds"/>; pings go every half of the shortest period seen.</summary>
    public void ObserveHeartbeat(int seconds)
    {
        if (seconds <= 0)
        {
            return;
        }
        lock (_open)
        {
            if (_heartbeatSeconds != 0 && _heartbeatSeconds <= seconds)
            {
                return;
            }
            _heartbeatSeconds = seconds;
            var period = TimeSpan.FromSeconds(seconds / 2.0);
            _timer.Change(period, period);
        }
    }

    /// <summary>Keeps <paramref name="socket"/> (joined, answer received) open, read and pinged until <see cref="DisposeAsync"/>.</summary>
    public void Add(ClientWebSocket socket)
    {
        var session = new Session(socket);
        session.Reading = ReadAsync(session);
        lock (_open)
        {
            _open.Add(session);
        }
    }

    /// <summary>Stops the pings and closes every socket (normal closure; the node deletes the endpoints), 64 at a time, within 30 s.</summary>
    public async ValueTask DisposeAsync()
    {
        _closing = true;
        await _timer.DisposeAsync();
        await _round;
        Session[] all;
        lock (_open)
        {
            all = [.. _open];
            _open.Clear();
        }
        using var bound = new CancellationTokenSource(CloseBound);
        try
        {
            await Parallel.ForEachAsync(all, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = bound.Token }, async (s, token) =>
            {
                try
                {
                    if (s.Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        await s.Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "run over", token);
                    }
                    await s.Reading!.WaitAsync(TimeSpan.FromSeconds(5), token);
                }
                catch (Exception e) when (e is WebSocketException or TimeoutException or OperationCanceledException or ObjectDisposedException)
                {
                    s.Socket.Abort();
                }
            });
        }
        catch (OperationCanceledException)
        {
            // Past the bound: whatever is left is aborted below.
        }
        foreach (var s in all)
        {
            s.Socket.Dispose();
        }
    }

    private void StartRound()
    {
        if (_closing || Interlocked.Exchange(ref _pinging, 1) == 1)
        {
            return; // the previous round is still going
        }
        _round = PingAllAsync();
    }

    private async Task PingAllAsync()
    {
        try
        {
            Session[] all;
            lock (_open)
            {
                all = [.. _open];
            }
            // A round must end before the next is due, so a stuck socket cannot hold the others' pings back for long.
            using var round = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(1, _heartbeatSeconds / 2.0)));
            foreach (var s in all)
            {
                if (_closing)
                {
                    return;
                }
                if (s.Socket.State != WebSocketState.Open)
                {
                    continue;
                }
                try
                {
                    await s.Socket.SendAsync(Ping, WebSocketMessageType.Text, endOfMessage: true, round.Token);
                    Interlocked.Increment(ref _pings);
                }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
                {
                    Interlocked.Increment(ref _pingFailures);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _pinging, 0);
        }
    }

    private async Task ReadAsync(Session s)
    {
        // The server writes "v" then "type" first (docs/signaling-protocol.md), so a message's first 512 bytes name it.
        var buffer = new byte[512];
        var messageStart = true;
        try
        {
            while (true)
            {
                var result = await s.Socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (!_closing)
                    {
                        Interlocked.Increment(ref _lost);
                    }
                    return;
                }
                if (messageStart)
                {
                    Tally(buffer.AsSpan(0, result.Count));
                }
                messageStart = result.EndOfMessage;
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            if (!_closing)
            {
                Interlocked.Increment(ref _lost);
            }
        }
    }

    private void Tally(ReadOnlySpan<byte> head)
    {
        if (head.IndexOf("\"type\":\"pong\""u8) >= 0)
        {
            Interlocked.Increment(ref _pongs);
        }
        else if (head.IndexOf("\"type\":\"reoffer\""u8) >= 0)
        {
            Interlocked.Increment(ref _reoffers);
        }
        else if (head.IndexOf("\"type\":\"error\""u8) >= 0)
        {
            Interlocked.Increment(ref _errors);
        }
    }

    private sealed class Session(ClientWebSocket socket)
    {
        public ClientWebSocket Socket { get; } = socket;

        public Task? Reading { get; set; }
    }
}
