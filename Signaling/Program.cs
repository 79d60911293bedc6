namespace Signaling;

/// <summary>Entry point of the signaling process (main and visitor roles; built up by the signaling issue).</summary>
public static class Program
{
    /// <summary>Prints what is built so far; the WebSocket roles come with the rest of the signaling issue.</summary>
    public static int Main()
    {
        Console.Error.WriteLine("signaling: the main and visitor roles are not built yet; see docs/signaling.md for what exists");
        return 2;
    }
}
