using System.Globalization;

namespace Fleet;

/// <summary>Entry point of <c>fleet</c>: the README's run command, a whole local fleet on loopback.</summary>
public static class Program
{
    private const string Usage =
        "usage: fleet [--bridges 3] [--visitor-nodes 2] [--port 7070] [--bridge-api-port 8080] [--media-port 10000]\n" +
        "             [--max-participants 2] [--max-visitors-per-node 2000] [--fan-out 2] [--redis HOST:PORT]";

    /// <summary>Starts the fleet, prints the URLs to open, and runs until Ctrl-C; exit code 2 on bad flags.</summary>
    public static async Task<int> Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Usage);
            return 0;
        }

        FleetOptions options;
        try
        {
            options = Parse(args);
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        await using var fleet = await LocalSignalingFleet.StartAsync(options).ConfigureAwait(false);
        var room = "demo/town-hall";
        Console.WriteLine();
        Console.WriteLine($"Local fleet: main signaling {fleet.MainUrl}, {fleet.Nodes.Count} visitor node(s), {fleet.Bridges.Count} bridge(s); " +
            $"rooms seat {options.MaxParticipants} participants, later joiners are visitors.");
        foreach (var (id, url) in fleet.Nodes)
        {
            Console.WriteLine($"  visitor node {id,-4} {url}");
        }

        foreach (var (id, api) in fleet.Bridges)
        {
            Console.WriteLine($"  bridge {id,-6} {api}");
        }

        Console.WriteLine();
        Console.WriteLine($"Open: {fleet.MainUrl}?room={room}   (tabs 1-{options.MaxParticipants} publish, further tabs watch as visitors)");
        Console.WriteLine("Ctrl-C stops the fleet.");
        await fleet.WaitForShutdownAsync().ConfigureAwait(false);
        return 0;
    }

    private static FleetOptions Parse(string[] args)
    {
        var o = new FleetOptions();
        for (var i = 0; i < args.Length; i += 2)
        {
            var flag = args[i];
            var value = i + 1 < args.Length ? args[i + 1] : throw new FormatException($"{flag} needs a value");
            o = flag switch
            {
                "--bridges" => o with { Bridges = Int(flag, value, 1, 16) },
                "--visitor-nodes" => o with { VisitorNodes = Int(flag, value, 0, 16) },
                "--port" => o with { SignalingPort = Int(flag, value, 0, 65535) },
                "--bridge-api-port" => o with { BridgeApiPort = Int(flag, value, 0, 65535) },
                "--media-port" => o with { MediaPort = Int(flag, value, 0, 65535) },
                "--max-participants" => o with { MaxParticipants = Int(flag, value, 1, 10_000) },
                "--max-visitors-per-node" => o with { MaxVisitorsPerNode = Int(flag, value, 1, 1_000_000) },
                "--fan-out" => o with { RelayFanOut = Int(flag, value, 2, 64) },
                "--redis" => o with { Redis = value },
                _ => throw new FormatException($"unknown flag {flag}"),
            };
        }

        return o;
    }

    private static int Int(string flag, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new FormatException($"{flag} must be an integer {min}..{max}, got '{value}'");
}
