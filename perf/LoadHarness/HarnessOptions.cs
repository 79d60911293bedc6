using System.Globalization;

namespace LoadHarness;

/// <summary>Command-line options of the load harness, validated at start-up with one message naming the option.</summary>
public sealed class HarnessOptions
{
    /// <summary>Viewers (receive-only endpoints with real ICE, DTLS, SRTP). Default 10,000.</summary>
    public int Viewers { get; set; } = 10_000;

    /// <summary>Publishers on the core bridge. Default 1.</summary>
    public int Publishers { get; set; } = 1;

    /// <summary>Video bitrate of each publisher in kbit/s. Default 500.</summary>
    public int BitrateKbps { get; set; } = 500;

    /// <summary>Video frames per second. Default 30.</summary>
    public int Fps { get; set; } = 30;

    /// <summary>Audio packets per second of each publisher (Opus, 20 ms = 50). 0: no audio. Default 50.</summary>
    public int AudioPps { get; set; } = 50;

    /// <summary>Seconds between periodic keyframes (a keyframe request from the bridge also makes one). Default 3.</summary>
    public double KeyframeIntervalSeconds { get; set; } = 3;

    /// <summary>Seconds of steady-state measurement after every viewer joined. Default 60.</summary>
    public double DurationSeconds { get; set; } = 60;

    /// <summary>Bridges of the in-process fleet: a core and a relay tree of visitor bridges. Default 1.</summary>
    public int Bridges { get; set; } = 1;

    /// <summary>Relay tree fan-out. Default 2.</summary>
    public int FanOut { get; set; } = 2;

    /// <summary>Viewers started per second. Default 200.</summary>
    public double RampPerSecond { get; set; } = 200;

    /// <summary>Control API URLs of a running fleet (the first is the core); empty: start bridges in this process.</summary>
    public List<Uri> Attach { get; } = [];

    /// <summary>Bearer secret for an attached fleet's control API.</summary>
    public string? ApiSecret { get; set; }

    /// <summary>Process id of the attached fleet, for its CPU and memory figures.</summary>
    public int? FleetPid { get; set; }

    /// <summary>Sockets the viewers share (one receive thread each). Default 2.</summary>
    public int Sockets { get; set; } = 2;

    /// <summary>Most ICE + DTLS handshakes at once. Default 16.</summary>
    public int Handshakes { get; set; } = 16;

    /// <summary>Seconds the plain-UDP limit blaster runs. Default 3.</summary>
    public double LimitSeconds { get; set; } = 3;

    /// <summary>Prebuilt perf/limit binary; when unset the harness builds perf/limit/limit.c with gcc.</summary>
    public string? LimitBinary { get; set; }

    /// <summary>JSON result file.</summary>
    public string? JsonPath { get; set; }

    /// <summary>Directory for the PNG charts.</summary>
    public string? ChartsDirectory { get; set; }

    /// <summary>Join through signaling (main + visitor nodes) instead of the bridges' control API.</summary>
    public bool Signaling { get; private set; }

    /// <summary>Visitor signaling nodes of the fleet the harness starts with <see cref="Signaling"/>. Default 2.</summary>
    public int VisitorNodes { get; set; } = 2;

    /// <summary>A running main signaling node (http(s) URL) to join through; implies <see cref="Signaling"/>.</summary>
    public Uri? AttachSignaling { get; set; }

    /// <summary>Room (tenant/room) the signaling joins use. Default "perf/load".</summary>
    public string Room { get; set; } = "perf/load";

    /// <summary>Conference name. Default "load".</summary>
    public string Conference { get; set; } = "load";

    /// <summary>Whether --quick was given (a small smoke run).</summary>
    public bool Quick { get; private set; }

    /// <summary>
    /// The whole run's time bound: start-up, the ramp (at the asked rate, or at 25 joins/s when the handshakes are
    /// slower: what 2 loaded cores sustain), settling, measurement, the limit probe and a margin.
    /// </summary>
    public TimeSpan Deadline => TimeSpan.FromSeconds(60 + (Viewers / Math.Min(RampPerSecond, 25)) + DurationSeconds + LimitSeconds + 60);

    /// <summary>Usage text.</summary>
    public const string Usage = """
        LoadHarness: viewers with real ICE/DTLS/SRTP against a bridge fleet; see docs/load-harness.md.
          --viewers N          viewers (default 10000)
          --publishers N       publishers on the core bridge (default 1)
          --bitrate KBPS       video kbit/s per publisher (default 500)
          --fps N              video frames per second (default 30)
          --audio-pps N        audio packets/s per publisher, 0 = none (default 50)
          --keyframe-interval S  seconds between keyframes (default 3)
          --duration S         steady-state seconds measured (default 60)
          --bridges N          in-process bridges: core + relay tree (default 1)
          --fan-out N          relay tree fan-out (default 2)
          --ramp N             viewers started per second (default 200)
          --attach URL...      control API URLs of a running fleet, core first
          --api-secret S       bearer secret of the attached fleet
          --fleet-pid PID      process of the attached fleet (CPU, memory)
          --sockets N          sockets the viewers share (default 2)
          --handshakes N       concurrent ICE+DTLS handshakes (default 16)
          --limit-seconds S    plain-UDP limit probe length (default 3)
          --limit-binary PATH  prebuilt perf/limit binary (default: build with gcc)
          --signaling          join through signaling: main + visitor nodes + bridges in the fleet process
          --visitor-nodes N    visitor signaling nodes with --signaling (default 2)
          --attach-signaling URL  join through a running main signaling node (http URL)
          --room T/R           signaling room (default perf/load)
          --json FILE          write the result JSON
          --charts DIR         write PNG charts
          --quick              small smoke run: 200 viewers, 3 bridges, 8 s
        """;

    /// <summary>Parses and validates; throws <see cref="ArgumentException"/> naming the offending option.</summary>
    public static HarnessOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var o = new HarnessOptions();
        if (args.Contains("--quick"))
        {
            // Applied first so explicit options still override it.
            o.Quick = true;
            o.Viewers = 200;
            o.Bridges = 3;
            o.DurationSeconds = 8;
            o.RampPerSecond = 100;
            o.BitrateKbps = 300;
            o.LimitSeconds = 1;
        }
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            switch (name)
            {
                case "--quick": break;
                case "--viewers": o.Viewers = Int(name, Value(), 1, LoopbackPlanCapacity); break;
                case "--publishers": o.Publishers = Int(name, Value(), 1, 8); break;
                case "--bitrate": o.BitrateKbps = Int(name, Value(), 8, 50_000); break;
                case "--fps": o.Fps = Int(name, Value(), 1, 60); break;
                case "--audio-pps": o.AudioPps = Int(name, Value(), 0, 100); break;
                case "--keyframe-interval": o.KeyframeIntervalSeconds = Double(name, Value(), 0.5, 60); break;
                case "--duration": o.DurationSeconds = Double(name, Value(), 1, 3600); break;
                case "--bridges": o.Bridges = Int(name, Value(), 1, 64); break;
                case "--fan-out": o.FanOut = Int(name, Value(), 2, 64); break;
                case "--ramp": o.RampPerSecond = Double(name, Value(), 1, 10_000); break;
                case "--api-secret": o.ApiSecret = Value(); break;
                case "--fleet-pid": o.FleetPid = Int(name, Value(), 1, int.MaxValue); break;
                case "--sockets": o.Sockets = Int(name, Value(), 1, 64); break;
                case "--handshakes": o.Handshakes = Int(name, Value(), 1, 256); break;
                case "--limit-seconds": o.LimitSeconds = Double(name, Value(), 0.2, 30); break;
                case "--limit-binary": o.LimitBinary = Value(); break;
                case "--json": o.JsonPath = Value(); break;
                case "--charts": o.ChartsDirectory = Value(); break;
                case "--conference": o.Conference = Value(); break;
                case "--signaling": o.Signaling = true; break;
                case "--visitor-nodes": o.VisitorNodes = Int(name, Value(), 0, 16); break;
                case "--room": o.Room = Value(); break;
                case "--attach-signaling":
                    var main = Value();
                    o.AttachSignaling = Uri.TryCreate(main, UriKind.Absolute, out var mainUri) && mainUri.Scheme is "http" or "https"
                        ? mainUri
                        : throw new ArgumentException($"--attach-signaling: '{main}' is not an http(s) URL");
                    o.Signaling = true;
                    break;
                case "--attach":
                    while (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        var url = args[++i];
                        o.Attach.Add(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                            ? uri
                            : throw new ArgumentException($"--attach: '{url}' is not an http(s) URL"));
                    }
                    if (o.Attach.Count == 0)
                    {
                        throw new ArgumentException("--attach needs at least one URL");
                    }
                    break;
                default: throw new ArgumentException($"unknown option '{name}'");
            }
        }
        if (o.Attach.Count > 0 && o.Bridges != 1 && args.Contains("--bridges"))
        {
            throw new ArgumentException("--bridges: not with --attach (the attached fleet is what it is)");
        }
        if (o.Attach.Count > 0 && o.Signaling)
        {
            throw new ArgumentException("--attach: not with --signaling or --attach-signaling (signaling chooses the bridges)");
        }
        if (o.AttachSignaling is not null && (args.Contains("--bridges") || args.Contains("--visitor-nodes") || args.Contains("--fan-out")))
        {
            throw new ArgumentException("--attach-signaling: not with --bridges, --visitor-nodes or --fan-out (the attached fleet is what it is)");
        }
        if (!o.Signaling && (args.Contains("--visitor-nodes") || args.Contains("--room")))
        {
            throw new ArgumentException("--visitor-nodes and --room: only with --signaling or --attach-signaling");
        }
        if (o.Attach.Count == 0 && o.AttachSignaling is null && o.FleetPid is not null)
        {
            throw new ArgumentException("--fleet-pid: only with --attach or --attach-signaling");
        }
        if (!IsRoom(o.Room))
        {
            throw new ArgumentException($"--room: must be tenant/room, each part 1-64 characters of a-z 0-9 . _ - (not . or ..), got '{o.Room}'");
        }
        if (o.Conference.Length is 0 or > 64 || o.Conference.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_' and not '.'))
        {
            throw new ArgumentException("--conference: 1-64 characters of A-Z a-z 0-9 - _ .");
        }
        return o;
    }

    private const int LoopbackPlanCapacity = 1_000_000;

    // The signaling protocol's room rule (docs/signaling-protocol.md, join): refused there, so refused here at start-up.
    private static bool IsRoom(string room)
    {
        var parts = room.Split('/');
        return parts.Length == 2 && parts.All(p => p.Length is >= 1 and <= 64 && p is not "." and not ".."
            && p.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '_' or '-'));
    }

    private static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new ArgumentException($"{name}: must be an integer {min}..{max}, got '{value}'");

    private static double Double(string name, string value, double min, double max) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new ArgumentException($"{name}: must be a number {min}..{max}, got '{value}'");
}
