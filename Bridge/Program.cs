using Bridge.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace Bridge;

/// <summary>Entry point of the bridge process.</summary>
public static class Program
{
    /// <summary>
    /// Runs the bridge until SIGTERM/Ctrl-C; exit code 2 on bad configuration. With
    /// <c>--local-fleet N</c> runs N bridges in a relay tree on loopback instead (the README's demo).
    /// </summary>
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var fleet = Array.IndexOf(args, "--local-fleet");
        if (fleet >= 0)
        {
            return RunLocalFleet(args, fleet);
        }
        WebApplication app;
        try
        {
            app = BridgeHost.Build(args);
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                Console.Error.WriteLine($"configuration error: {failure}");
            }
            return 2;
        }
        app.Run();
        return 0;
    }

    private static int RunLocalFleet(string[] args, int index)
    {
        if (index + 1 >= args.Length || !int.TryParse(args[index + 1], out var count) || count is < 1 or > 32)
        {
            Console.Error.WriteLine("usage: bridge --local-fleet N [API_PORT] [MEDIA_PORT]   (N bridges, 1..32; ports default 8080 and 10000)");
            return 2;
        }
        var apiPort = index + 2 < args.Length && int.TryParse(args[index + 2], out var api) ? api : 8080;
        var mediaPort = index + 3 < args.Length && int.TryParse(args[index + 3], out var media) ? media : 10000;
        var local = LocalFleet.StartAsync(count, apiPort, mediaPort).GetAwaiter().GetResult();
        Console.WriteLine();
        Console.WriteLine($"Local fleet: {count} bridges in a relay tree, conference '{LocalFleet.Conference}'.");
        foreach (var (id, uri) in local.Bridges)
        {
            var hops = local.HopsTo(id);
            Console.WriteLine($"  {id,-8} {uri}   ({hops} relay hop{(hops == 1 ? "" : "s")} from the core)");
        }
        var (coreId, coreApi) = local.Bridges.First();
        var (deepId, deepApi) = local.Bridges.MaxBy(b => local.HopsTo(b.Id));
        Console.WriteLine();
        Console.WriteLine($"Publish: {coreApi}?conference={LocalFleet.Conference}&role=publish");
        Console.WriteLine($"Watch:   {deepApi}?conference={LocalFleet.Conference}&role=watch   (on {deepId}, {local.HopsTo(deepId)} hops from {coreId})");
        Console.WriteLine("Ctrl-C stops the fleet.");
        local.WaitForShutdownAsync().GetAwaiter().GetResult();
        local.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return 0;
    }
}
