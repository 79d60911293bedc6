using System.Diagnostics;
using Fleet;
using Microsoft.Extensions.DependencyInjection;
using Signaling.Assignment;

namespace LoadHarness;

/// <summary>
/// Starts the product's whole local fleet (<see cref="LocalSignalingFleet"/>: main signaling, visitor nodes, bridges that
/// register with main) sized for a harness run, and waits until main has heard every visitor node.
/// </summary>
public static class SignalingFleet
{
    /// <summary>A bridge's corrected stress above which main prefers another (BridgeSelectorOptions.StressThreshold).</summary>
    private const double StressThreshold = 0.8;

    /// <summary>
    /// Starts the fleet for <paramref name="o"/>: <c>--bridges</c> bridges (the first is the rooms' core), <c>--visitor-nodes</c>
    /// nodes, <c>--fan-out</c>, and room seats for every publisher. Logs are warnings only and the bridges' connect timeout is
    /// 60 s (the ramp queues viewers for handshake slots after their endpoint exists), set through the environment the
    /// hosts read, as an operator would.
    /// </summary>
    public static async Task<LocalSignalingFleet> StartAsync(HarnessOptions o, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(o);
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        Environment.SetEnvironmentVariable("Bridge__ConnectTimeoutSeconds", "60");
        var fleet = await LocalSignalingFleet.StartAsync(Options(o), token);
        try
        {
            var selector = fleet.MainServices.GetRequiredService<VisitorNodeSelector>();
            var waited = Stopwatch.StartNew();
            while (selector.Snapshot().Count(n => !n.Stale) < o.VisitorNodes)
            {
                if (waited.Elapsed > TimeSpan.FromSeconds(20))
                {
                    throw new TimeoutException("the visitor nodes did not report to main within 20 s");
                }
                await Task.Delay(100, token);
            }
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The fleet's options. Main's bridge capacity in endpoints is the bridge's packet capacity over
    /// <see cref="FleetOptions.EndpointPacketsPerSecond"/>; it is lowered from the product default (400) so that every
    /// viewer fits under the stress threshold with a 50% margin: placement then spreads the viewers evenly over the visitor
    /// bridges by their recent adds instead of overflowing onto the core. Node caps let each node take its share.
    /// </summary>
    public static FleetOptions Options(HarnessOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var defaults = new FleetOptions();
        var viewerBridges = Math.Max(1, o.Bridges - 1);
        var perBridge = (double)(o.Viewers + o.Publishers) / viewerBridges;
        var endpointPps = FleetOptions.EndpointPacketsPerSecondFor(perBridge, StressThreshold);
        return new FleetOptions
        {
            Bridges = o.Bridges,
            VisitorNodes = o.VisitorNodes,
            SignalingPort = 0,
            BridgeApiPort = 0,
            MediaPort = 0,
            MaxParticipants = o.Publishers,
            MaxVisitorsPerNode = o.VisitorNodes == 0 ? defaults.MaxVisitorsPerNode : Math.Max(defaults.MaxVisitorsPerNode, (o.Viewers + o.VisitorNodes - 1) / o.VisitorNodes),
            RelayFanOut = o.FanOut,
            EndpointPacketsPerSecond = endpointPps,
        };
    }
}
