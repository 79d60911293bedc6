using System.Diagnostics;
using System.Reflection;

namespace LoadHarness;

/// <summary>
/// Runs the in-process fleet in a child process of this same program (<c>--serve-fleet</c>), so the bridges' CPU
/// time and resident memory are theirs alone and their GC is not the viewers'. The child prints its control API
/// URLs on one line (with <c>--signaling</c>: the main signaling node's URL, the bridges are found through it) and lives
/// until its standard input closes (or its own deadline passes).
/// </summary>
public sealed class FleetProcess : IAsyncDisposable
{
    private const string ReadyPrefix = "FLEET ";
    private const string SignalingReadyPrefix = "SIGNALING ";

    private readonly Process _process;

    private FleetProcess(Process process, Fleet fleet)
    {
        _process = process;
        Fleet = fleet;
    }

    /// <summary>The child's bridges, attached.</summary>
    public Fleet Fleet { get; }

    /// <summary>The child's main signaling node, when it runs one.</summary>
    public Uri? MainUrl { get; private init; }

    /// <summary>Starts the child (bridges, plus signaling with <see cref="HarnessOptions.Signaling"/>) and attaches to its bridges.</summary>
    public static async Task<FleetProcess> StartAsync(HarnessOptions o, TimeSpan lifetime, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(o);
        var start = new ProcessStartInfo
        {
            FileName = Environment.ProcessPath ?? "dotnet",
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }
        string[] signaling = o.Signaling
            ? ["--signaling", "--visitor-nodes", $"{o.VisitorNodes}", "--viewers", $"{o.Viewers}", "--publishers", $"{o.Publishers}"]
            : [];
        foreach (var arg in new[] { "--serve-fleet", "--bridges", $"{o.Bridges}", "--fan-out", $"{o.FanOut}", "--duration", $"{(int)lifetime.TotalSeconds}" }.Concat(signaling))
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the fleet process");
        try
        {
            using var ready = CancellationTokenSource.CreateLinkedTokenSource(token);
            ready.CancelAfter(TimeSpan.FromSeconds(60));
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(ready.Token)
                    ?? throw new InvalidOperationException($"the fleet process exited ({(process.WaitForExit(1000) ? process.ExitCode : -1)}) before it was ready");
                if (line.StartsWith(SignalingReadyPrefix, StringComparison.Ordinal))
                {
                    var main = new Uri(line[SignalingReadyPrefix.Length..].Trim());
                    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                    return new FleetProcess(process, await Fleet.AttachSignalingAsync(main, secret: null, process.Id, ready.Token)) { MainUrl = main };
                }
                if (line.StartsWith(ReadyPrefix, StringComparison.Ordinal))
                {
                    var urls = line[ReadyPrefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(u => new Uri(u)).ToList();
                    // Keep draining the child's output so it never blocks on a full pipe.
                    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                    return new FleetProcess(process, Fleet.Attach(urls, secret: null, process.Id));
                }
            }
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>The child's side: starts the fleet, announces it, and serves until stdin closes or <paramref name="lifetime"/> passes.</summary>
    public static async Task<int> ServeAsync(HarnessOptions o, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(o);
        using var deadline = new CancellationTokenSource(lifetime);
        IAsyncDisposable fleet;
        if (o.Signaling)
        {
            var signaling = await SignalingFleet.StartAsync(o, deadline.Token);
            fleet = signaling;
            Console.Out.WriteLine(SignalingReadyPrefix + signaling.MainUrl.ToString().TrimEnd('/'));
        }
        else
        {
            var bridges = await Fleet.StartAsync(o.Bridges, o.FanOut, deadline.Token);
            fleet = bridges;
            Console.Out.WriteLine(ReadyPrefix + string.Join(' ', bridges.Bridges.Select(b => b.BaseAddress.ToString().TrimEnd('/'))));
        }
        await using var _ = fleet;
        Console.Out.Flush();
        var stdinClosed = Task.Run(() => Console.In.ReadToEnd());
        await Task.WhenAny(stdinClosed, Task.Delay(Timeout.Infinite, deadline.Token).ContinueWith(_ => { }, TaskScheduler.Default));
        return 0;
    }

    /// <summary>Closes the child's stdin and waits for it to stop its bridges; kills it after 15 s.</summary>
    public async ValueTask DisposeAsync()
    {
        await Fleet.DisposeAsync();
        try
        {
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
        }
    }
}
