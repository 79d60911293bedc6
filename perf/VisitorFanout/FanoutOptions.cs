using System.Globalization;

namespace VisitorFanout;

/// <summary>Where the simulated visitors' sockets live.</summary>
public enum ClientPlacement
{
    /// <summary>In this process up to 4,000 visitors, in a child process beyond (two sockets per visitor would exceed a 20,000-descriptor limit).</summary>
    Auto,

    /// <summary>In the fleet's process.</summary>
    InProcess,

    /// <summary>In one child process of this tool (<c>--worker</c>), talking to the fleet over loopback.</summary>
    Child,
}

/// <summary>Command-line options of the visitor fan-out benchmark, validated at start-up with one message naming the option.</summary>
public sealed class FanoutOptions
{
    /// <summary>The usage text.</summary>
    public const string Usage = """
        Usage: VisitorFanout [options]
          --visitors N         simulated visitors (WebSocket only, no media), 1..20000 (default 10000)
          --nodes N            visitor nodes of the in-process fleet, 1..16 (default 5)
          --bridges N          bridges, 1..3 (default 2; each visitor's join creates a receiver endpoint, never used)
          --concurrency N      joins in flight at once, 1..512 (default 32)
          --ramp-timeout S     seconds the whole ramp may take, 10..3600 (default 900)
          --chat-timeout S     seconds to wait for the chat message at every visitor, 1..600 (default 60)
          --reactions N        reactions each visitor sends in the storm, 0..100 (default 10; 0: no storm)
          --storm-seconds S    seconds the storm's sends are spread over, 1..120 (default 5)
          --clients MODE       auto | inprocess | child (default auto: child beyond 4000 visitors)
          --json FILE          also write the result as JSON
        """;

    /// <summary>Visitors to join. Default 10,000.</summary>
    public int Visitors { get; set; } = 10_000;

    /// <summary>Visitor nodes. Default 5.</summary>
    public int Nodes { get; set; } = 5;

    /// <summary>Bridges of the fleet (the first is the core). Default 2.</summary>
    public int Bridges { get; set; } = 2;

    /// <summary>Joins in flight at once. Default 32.</summary>
    public int Concurrency { get; set; } = 32;

    /// <summary>Bound of the whole ramp, seconds. Default 900.</summary>
    public double RampTimeoutSeconds { get; set; } = 900;

    /// <summary>Bound of the wait for the chat message, seconds. Default 60.</summary>
    public double ChatTimeoutSeconds { get; set; } = 60;

    /// <summary>Reactions per visitor in the storm. Default 10.</summary>
    public int Reactions { get; set; } = 10;

    /// <summary>Seconds the storm's sends are spread over. Default 5.</summary>
    public double StormSeconds { get; set; } = 5;

    /// <summary>Where the visitors' sockets live. Default auto.</summary>
    public ClientPlacement Clients { get; set; } = ClientPlacement.Auto;

    /// <summary>JSON result file, or none.</summary>
    public string? JsonPath { get; set; }

    /// <summary>Whether the visitors run in a child process under these options.</summary>
    public bool ClientsInChild => Clients == ClientPlacement.Child || (Clients == ClientPlacement.Auto && Visitors > 4000);

    /// <summary>Parses <paramref name="args"/>; an <see cref="ArgumentException"/> names the first bad option.</summary>
    public static FanoutOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var o = new FanoutOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            switch (name)
            {
                case "--visitors": o.Visitors = Int(name, Value(), 1, 20_000); break;
                case "--nodes": o.Nodes = Int(name, Value(), 1, 16); break;
                case "--bridges": o.Bridges = Int(name, Value(), 1, 3); break;
                case "--concurrency": o.Concurrency = Int(name, Value(), 1, 512); break;
                case "--ramp-timeout": o.RampTimeoutSeconds = Real(name, Value(), 10, 3600); break;
                case "--chat-timeout": o.ChatTimeoutSeconds = Real(name, Value(), 1, 600); break;
                case "--reactions": o.Reactions = Int(name, Value(), 0, 100); break;
                case "--storm-seconds": o.StormSeconds = Real(name, Value(), 1, 120); break;
                case "--clients":
                    var mode = Value();
                    o.Clients = mode switch
                    {
                        "auto" => ClientPlacement.Auto,
                        "inprocess" => ClientPlacement.InProcess,
                        "child" => ClientPlacement.Child,
                        _ => throw new ArgumentException($"--clients must be auto, inprocess or child, got '{mode}'"),
                    };
                    break;
                case "--json": o.JsonPath = Value(); break;
                default: throw new ArgumentException($"unknown option '{name}'");
            }
        }

        return o;
    }

    private static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new ArgumentException($"{name} must be an integer in {min}..{max}, got '{value}'");

    private static double Real(string name, string value, double min, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new ArgumentException($"{name} must be a number in {min}..{max}, got '{value}'");
}
