using System.Diagnostics;

namespace Bridge.Tests.Deploy;

/// <summary>What a finished child process left: exit code and its whole output.</summary>
internal sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
{
    /// <summary>The non-empty lines of standard error.</summary>
    public string[] ErrorLines => StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{StdOut}\nstderr:\n{StdErr}";
}

/// <summary>Locates the repository and the system tools the deployment tests drive, and runs them.</summary>
internal static class Tools
{
    /// <summary>The repository root (the folder holding Bridge.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The repository's deploy/ folder.</summary>
    public static string DeployDir => Path.Combine(RepoRoot, "deploy");

    /// <summary>
    /// The full path of <paramref name="tool"/> on PATH; a missing tool fails the test with a message saying which Debian
    /// package brings it and that test.sh installs it (never a silent skip).
    /// </summary>
    public static string Require(string tool, string debianPackage)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':'))
        {
            var path = Path.Combine(dir, tool);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new InvalidOperationException($"'{tool}' is not installed: this test needs Debian's '{debianPackage}' package (apt-get install {debianPackage}; test.sh installs it).");
    }

    /// <summary>Runs <paramref name="file"/> with <paramref name="args"/> and waits at most <paramref name="timeout"/> (then kills it and fails).</summary>
    public static ProcessResult Run(string file, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, string? stdin = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoRoot,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }

        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish within {timeout}: {stdout.Result}{stderr.Result}");
        }

        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bridge.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Bridge.sln above {AppContext.BaseDirectory}");
    }
}
