namespace VisitorFanout;

/// <summary>The ramp: visitors joined at their node, joins that failed (first reason kept), its length, visitors per node.</summary>
public sealed record RampResult(int Joined, int Failed, string? FirstError, double Seconds, Dictionary<string, int> PerNode);

/// <summary>One chat message's delivery: visitors that got it, extra copies, and delivery time from the send (ms).</summary>
public sealed record ChatResult(int Visitors, int Received, int Duplicates, double P50Ms, double P90Ms, double P99Ms, double MaxMs);

/// <summary>
/// The reaction storm seen from the visitors: reactions sent (and sends that failed), <c>reactions</c> pushes received
/// and the reactions they counted (summed over visitors), visitors that got at least one push, and visitors that ended
/// the run with exactly one copy of the chat message, sockets lost during the run, and the seconds the sends took.
/// </summary>
public sealed record StormResult(long Sent, long SendFailures, long Pushes, long Counted, int VisitorsReached, int ChatExactlyOnce, int Lost, double Seconds);

/// <summary>The simulated visitors, wherever their sockets live.</summary>
public interface ICrowd : IAsyncDisposable
{
    /// <summary>Joins every visitor (main, redirect, visitor node) with bounded concurrency within the ramp bound.</summary>
    Task<RampResult> RampAsync();

    /// <summary>Waits (bounded) for the chat message sent at <paramref name="sentTicks"/> (<see cref="System.Diagnostics.Stopwatch"/> ticks) to reach every joined visitor.</summary>
    Task<ChatResult> AwaitChatAsync(long sentTicks);

    /// <summary>Every visitor sends its reactions over the storm's seconds; returns after <paramref name="settleSeconds"/> more for the last pushes.</summary>
    Task<StormResult> StormAsync(double settleSeconds);
}
