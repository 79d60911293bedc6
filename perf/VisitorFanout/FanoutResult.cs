namespace VisitorFanout;

/// <summary>
/// The reaction storm's figures: what the visitors sent, what their nodes accepted and dropped, main's federation events
/// in and out over the window (storm plus settle), and the pushes the host on main and the visitors received.
/// </summary>
public sealed record StormFigures(
    int ReactionsPerVisitor, double SpreadSeconds, double SendSeconds, long Sent, long SendFailures, long Accepted, long Dropped, double WindowSeconds,
    long MainInEvents, long MainInReactionEvents, double MainInPerSecond, double MainInReactionsPerNodePerSecond, Dictionary<string, long> MainInByType,
    long MainOutEvents, long MainOutReactionEvents, double MainOutPerSecond, Dictionary<string, long> MainOutByType,
    long HostPushes, long HostCounted, long VisitorPushes, long VisitorCounted, int VisitorsReached);

/// <summary>A whole run: setup, ramp, chat delivery, storm, and the visitors' end state (chat exactly once, sockets lost).</summary>
public sealed record FanoutResult(
    int Visitors, int Nodes, int Bridges, string Clients, RampResult Ramp, ChatResult Chat, StormFigures Storm, int ChatExactlyOnce, int Lost);
