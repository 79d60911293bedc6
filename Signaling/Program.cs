using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using Signaling.Hosting;

namespace Signaling;

/// <summary>Entry point of the signaling process: <c>--role main</c> or <c>--role visitor --node-id vN</c>.</summary>
public static class Program
{
    private const string Usage =
        "usage: signaling --role main | --role visitor --node-id vN   [--Signaling:Key=value ...]   (keys: docs/signaling.md)";

    /// <summary>
    /// Runs a main or visitor signaling node until SIGTERM/Ctrl-C. <c>--role</c> and <c>--node-id</c> set
    /// <c>Signaling:Role</c> and <c>Signaling:NodeId</c>; exit code 2 on a missing role or bad configuration, with one
    /// line per bad key.
    /// </summary>
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var role = ValueOf(args, "--role");
        var nodeId = ValueOf(args, "--node-id");
        if (role is not (SignalingOptions.MainRole or SignalingOptions.VisitorRole) || (role == SignalingOptions.VisitorRole && nodeId is null))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var hostArgs = Without(args, "--role", "--node-id")
            .Append($"--{SignalingOptions.Section}:Role={role}")
            .Concat(nodeId is null ? [] : [$"--{SignalingOptions.Section}:NodeId={nodeId}"])
            .ToArray();
        WebApplication app;
        try
        {
            app = SignalingHost.Build(hostArgs);
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

    private static string? ValueOf(string[] args, string flag) =>
        Array.IndexOf(args, flag) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

    private static IEnumerable<string> Without(string[] args, params string[] flags)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (flags.Contains(args[i]))
            {
                i++;
                continue;
            }

            yield return args[i];
        }
    }
}
