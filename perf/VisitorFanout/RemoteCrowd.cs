using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace VisitorFanout;

/// <summary>The parent side of <see cref="CrowdWorker"/>: the visitors live in a child process of this tool.</summary>
public sealed class RemoteCrowd : ICrowd
{
    private readonly Process _child;
    private readonly FanoutOptions _options;

    private RemoteCrowd(Process child, FanoutOptions options)
    {
        _child = child;
        _options = options;
    }

    /// <summary>Starts the child: the same tool with <c>--worker</c>, its stderr (progress) shared with this process.</summary>
    public static RemoteCrowd Start(Uri mainWs, string room, FanoutOptions options)
    {
        ArgumentNullException.ThrowIfNull(mainWs);
        ArgumentNullException.ThrowIfNull(options);
        var host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(RemoteCrowd).Assembly.Location);
        }

        string[] args =
        [
            "--worker", mainWs.ToString(), room,
            "--visitors", Invariant(options.Visitors), "--concurrency", Invariant(options.Concurrency),
            "--ramp-timeout", Invariant(options.RampTimeoutSeconds), "--chat-timeout", Invariant(options.ChatTimeoutSeconds),
            "--reactions", Invariant(options.Reactions), "--storm-seconds", Invariant(options.StormSeconds),
        ];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return new RemoteCrowd(Process.Start(start) ?? throw new InvalidOperationException("could not start the visitor worker"), options);
    }

    /// <inheritdoc/>
    public Task<RampResult> RampAsync() => AskAsync<RampResult>("ramp", TimeSpan.FromSeconds(_options.RampTimeoutSeconds + 120));

    /// <inheritdoc/>
    public Task<ChatResult> AwaitChatAsync(long sentTicks) =>
        AskAsync<ChatResult>("chat " + Invariant(sentTicks), TimeSpan.FromSeconds(_options.ChatTimeoutSeconds + 30));

    /// <inheritdoc/>
    public Task<StormResult> StormAsync(double settleSeconds) =>
        AskAsync<StormResult>("storm " + Invariant(settleSeconds), TimeSpan.FromSeconds(_options.StormSeconds + settleSeconds + 120));

    /// <summary>Tells the child to close its sockets and waits for it (60 s, then kills it).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_child.HasExited)
            {
                await _child.StandardInput.WriteLineAsync("quit");
                await _child.StandardInput.FlushAsync();
            }

            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await _child.WaitForExitAsync(bound.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            _child.Kill(entireProcessTree: true);
        }

        _child.Dispose();
    }

    private async Task<T> AskAsync<T>(string command, TimeSpan bound)
    {
        await _child.StandardInput.WriteLineAsync(command);
        await _child.StandardInput.FlushAsync();
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            // Bounded in lines too: anything else the child prints on stdout is skipped.
            for (var i = 0; i < 1000; i++)
            {
                var line = await _child.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException($"the visitor worker exited (code {(_child.HasExited ? _child.ExitCode : -1)}) during '{command}'");
                if (line.StartsWith(CrowdWorker.ResultPrefix, StringComparison.Ordinal))
                {
                    return JsonSerializer.Deserialize<T>(line.AsSpan(CrowdWorker.ResultPrefix.Length), CrowdWorker.Json)
                        ?? throw new InvalidOperationException($"the visitor worker answered '{command}' with null");
                }
            }

            throw new InvalidOperationException($"the visitor worker did not answer '{command}'");
        }
        catch (OperationCanceledException)
        {
            _child.Kill(entireProcessTree: true);
            throw new TimeoutException($"the visitor worker did not answer '{command}' within {bound.TotalSeconds:F0} s");
        }
    }

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}
