using System.Net.WebSockets;

namespace VisitorFanout;

/// <summary>
/// Keeps clients alive: every 10 s (a node allows 45 s of silence) one round pings each client in turn (no task per client). Rounds and the storm take the
/// same send gate, since a WebSocket allows one send at a time; a storm's reactions reset the nodes' idle timers anyway.
/// </summary>
public sealed class PingRounds : IAsyncDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    private readonly Func<IReadOnlyList<Visitor>> _members;
    private readonly Timer _timer;
    private int _pinging;
    private Task _round = Task.CompletedTask;
    private volatile bool _stopped;

    /// <summary>Pings whatever <paramref name="members"/> returns at each round, sending under <paramref name="gate"/>.</summary>
    public PingRounds(Func<IReadOnlyList<Visitor>> members, SemaphoreSlim gate)
    {
        _members = members;
        Gate = gate;
        _timer = new Timer(_ => StartRound(), null, Period, Period);
    }

    /// <summary>Held by whoever sends on the clients' sockets.</summary>
    public SemaphoreSlim Gate { get; }

    /// <summary>Stops the rounds (the one running finishes).</summary>
    public async ValueTask DisposeAsync()
    {
        _stopped = true;
        await _timer.DisposeAsync();
        await _round;
    }

    private void StartRound()
    {
        if (_stopped || Interlocked.Exchange(ref _pinging, 1) == 1)
        {
            return;
        }

        _round = RoundAsync();
    }

    private async Task RoundAsync()
    {
        try
        {
            await Gate.WaitAsync();
            try
            {
                // Bounded: a stuck socket must not hold the others' pings past the next round.
                using var bound = new CancellationTokenSource(Period);
                foreach (var member in _members())
                {
                    if (_stopped)
                    {
                        return;
                    }

                    try
                    {
                        await member.PingAsync(bound.Token);
                    }
                    catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
                    {
                        // A lost client shows in the report (Lost); the round goes on.
                    }
                }
            }
            finally
            {
                Gate.Release();
            }
        }
        finally
        {
            Volatile.Write(ref _pinging, 0);
        }
    }
}
