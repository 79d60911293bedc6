namespace Signaling;

/// <summary>Entry point of the signaling process (main and visitor roles; built up by the signaling issue).</summary>
public static class Program
{
    /// <summary>Prints what is built so far; the WebSocket roles come with the rest of the signaling issue.</summary>
    public static int Main()
    {
        Console.Error.WriteLine("signaling: only the assignment rules and the federation bus exist yet (see docs/signaling.md)");
        return 2;
    }
}
