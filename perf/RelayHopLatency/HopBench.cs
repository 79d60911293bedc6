using System.Diagnostics;

namespace RelayHopLatency;

/// <summary>A publisher and a receiver of one conference, <see cref="Hops"/> relay hops apart.</summary>
public sealed record HopPath(string Name, int Hops, LatencyPeer Publisher, LatencyPeer Receiver);

/// <summary>Result of one paced run of probes.</summary>
public sealed record RunResult(int Sent, double AchievedRate, LatencyRecording Recording)
{
    /// <summary>Fraction of probes that never arrived.</summary>
    public double Loss => 1 - (double)Recording.Received / Sent;
}

/// <summary>One step of the rate ramp.</summary>
public sealed record RampStep(double TargetRate, double AchievedRate, int Sent, int Received, double Loss);

/// <summary>Paced runs of probes over a path: bounded in count, and in time by the drain timeout.</summary>
public sealed class HopBench(int packetBytes)
{
    /// <summary>Longest wait for the last probes of a run once sending stopped.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    /// <summary>A run ends early when nothing arrived for this long after sending stopped.</summary>
    public static readonly TimeSpan DrainQuiet = TimeSpan.FromMilliseconds(250);

    private int _nextTag = 1;

    /// <summary>Sends <paramref name="count"/> probes at <paramref name="rate"/> packets/s and waits until they arrived or the drain timed out.</summary>
    public RunResult Run(HopPath path, int count, double rate)
    {
        ArgumentNullException.ThrowIfNull(path);
        var tag = _nextTag++;
        var recording = new LatencyRecording(tag, count);
        path.Receiver.Record(recording);
        var achieved = Pacer.Run(count, rate, i => path.Publisher.SendProbe(tag, i, packetBytes));
        var deadline = Stopwatch.GetTimestamp() + (long)(DrainTimeout.TotalSeconds * Stopwatch.Frequency);
        var last = recording.Received;
        var lastChange = Stopwatch.GetTimestamp();
        while (recording.Received < count && Stopwatch.GetTimestamp() < deadline)
        {
            Thread.Sleep(10);
            var now = recording.Received;
            if (now != last)
            {
                last = now;
                lastChange = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastChange) > DrainQuiet)
            {
                break;
            }
        }
        path.Receiver.Record(null);
        return new RunResult(count, achieved, recording);
    }

    /// <summary>Sends slow probes until the receiver gets them: endpoints secure, relay subscriptions propagated.</summary>
    public bool WaitForMedia(HopPath path, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(path);
        var stop = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < stop)
        {
            if (Run(path, 20, 200).Recording.Received == 20)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Raises the rate by <paramref name="factor"/> per step of about one second from <paramref name="startRate"/>
    /// until loss exceeds <paramref name="maxLoss"/>, the sender cannot reach the target any more, the
    /// delivered rate stops rising, <paramref name="maxSteps"/> steps or <paramref name="budget"/> pass.
    /// Returns the steps; the last one within the loss bound is the maximum.
    /// </summary>
    public List<RampStep> Ramp(HopPath path, double startRate, double factor, double maxLoss, int maxSteps, TimeSpan budget, Action<RampStep> progress)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(progress);
        var steps = new List<RampStep>();
        var started = Stopwatch.GetTimestamp();
        var rate = startRate;
        var bestDelivered = 0.0;
        for (var i = 0; i < maxSteps && Stopwatch.GetElapsedTime(started) < budget; i++)
        {
            var count = (int)Math.Clamp(rate, 2_000, 200_000);
            var result = Run(path, count, rate);
            var step = new RampStep(rate, result.AchievedRate, count, result.Recording.Received, result.Loss);
            steps.Add(step);
            progress(step);
            var delivered = result.AchievedRate * (1 - result.Loss);
            if (result.Loss > maxLoss || result.AchievedRate < 0.9 * rate || delivered < 1.02 * bestDelivered)
            {
                break;
            }
            bestDelivered = delivered;
            rate *= factor;
        }
        return steps;
    }
}
