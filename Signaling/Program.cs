using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using Signaling.Hosting;

namespace Signaling;

/// <summary>Entry point of the signaling process (main and visitor roles; built up by the signaling issue).</summary>
public static class Program
{
    /// <summary>
    /// <c>signaling --role main</c> runs the main node's HTTP host (bridge registration, /health, /metrics) until SIGTERM/Ctrl-C;
    /// exit code 2 on bad configuration or any other role, which is not built yet.
    /// </summary>
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var role = Array.IndexOf(args, "--role") is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        if (role != "main")
        {
            Console.Error.WriteLine("usage: signaling --role main   (bridge registration, /health, /metrics; the visitor role, the WebSocket server and the web client are not built yet; see docs/signaling.md)");
            return 2;
        }

        WebApplication app;
        try
        {
            app = SignalingHost.Build(args);
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
}
