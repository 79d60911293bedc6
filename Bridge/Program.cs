using Bridge.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace Bridge;

/// <summary>Entry point of the bridge process.</summary>
public static class Program
{
    /// <summary>Runs the bridge until SIGTERM/Ctrl-C; exit code 2 on bad configuration.</summary>
    public static int Main(string[] args)
    {
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
}
