using System.Security.Cryptography;
using System.Text.Json;

namespace Bridge.Tests.Deploy;

/// <summary>deploy/pre-configure.sh run for real (bash) into temporary roots; its units checked by systemd-analyze, its scripts by shellcheck.</summary>
public sealed class PreConfigureTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private static readonly string[] Fixed =
    [
        "etc/systemd/system/signaling-main.service",
        "etc/systemd/system/signaling-visitor@.service",
        "etc/xxlmeet/signaling.env",
        "etc/xxlmeet/main/signaling.env",
        "etc/xxlmeet/main/visitor-nodes.env",
        "etc/prometheus/file_sd/xxlmeet-main.json",
        "etc/prometheus/file_sd/xxlmeet-visitors.json",
    ];

    private readonly string _root = Directory.CreateTempSubdirectory("preconf-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    internal static ProcessResult PreConfigure(params string[] args) =>
        Tools.Run(Tools.Require("bash", "bash"), [Path.Combine(Tools.DeployDir, "pre-configure.sh"), .. args], Limit);

    private ProcessResult PreConfigureHere(params string[] args) => PreConfigure([.. args, "--root", _root]);

    private Dictionary<string, string> Checksums() => Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories).ToDictionary(
        f => Path.GetRelativePath(_root, f).Replace('\\', '/'),
        f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private static IEnumerable<string> NodeFiles(int from, int to) => Enumerable.Range(from, to - from + 1).Select(k => $"etc/xxlmeet/visitors/v{k}/signaling.env");

    [Fact]
    public void Eight_nodes_produce_exactly_their_files_with_ports_from_the_base()
    {
        var run = PreConfigureHere("8");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal([.. Fixed.Concat(NodeFiles(1, 8)).Order(StringComparer.Ordinal)], Checksums().Keys.Order(StringComparer.Ordinal));
        var v3 = File.ReadAllLines(Path.Combine(_root, "etc/xxlmeet/visitors/v3/signaling.env"));
        Assert.Contains("Signaling__Role=visitor", v3);
        Assert.Contains("Signaling__NodeId=v3", v3);
        Assert.Contains("Signaling__Url=http://0.0.0.0:7073", v3);
        Assert.Contains("Signaling__MainUrl=http://127.0.0.1:7070", v3);

        var list = File.ReadAllLines(Path.Combine(_root, "etc/xxlmeet/main/visitor-nodes.env")).Where(l => !l.StartsWith('#')).ToArray();
        Assert.Equal(16, list.Length);
        Assert.Contains("Signaling__VisitorNodes__7__Id=v8", list);
        Assert.Contains("Signaling__VisitorNodes__7__Url=http://127.0.0.1:7078", list);

        using var targets = JsonDocument.Parse(File.ReadAllText(Path.Combine(_root, "etc/prometheus/file_sd/xxlmeet-visitors.json")));
        Assert.Equal(
            [.. Enumerable.Range(1, 8).Select(k => $"127.0.0.1:{7070 + k}")],
            targets.RootElement.EnumerateArray().Select(t => t.GetProperty("targets")[0].GetString()!).ToArray());
        Assert.Equal("v8", targets.RootElement[7].GetProperty("labels").GetProperty("xxlmeet_node").GetString());
    }

    [Fact]
    public void Running_it_again_with_the_same_n_changes_nothing()
    {
        Assert.Equal(0, PreConfigureHere("8").ExitCode);
        var before = Checksums();
        var times = Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.GetLastWriteTimeUtc);

        var again = PreConfigureHere("8");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(before, Checksums());
        Assert.All(times, t => Assert.Equal(t.Value, File.GetLastWriteTimeUtc(t.Key)));
        Assert.Contains("0 file(s) changed", again.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Ten_after_eight_adds_only_v9_and_v10_and_updates_the_two_lists()
    {
        Assert.Equal(0, PreConfigureHere("8").ExitCode);
        var before = Checksums();

        var run = PreConfigureHere("10");

        Assert.True(run.ExitCode == 0, run.ToString());
        var after = Checksums();
        Assert.Equal(NodeFiles(9, 10).Order(StringComparer.Ordinal), after.Keys.Except(before.Keys).Order(StringComparer.Ordinal));
        Assert.Empty(before.Keys.Except(after.Keys));
        var changed = before.Keys.Where(k => before[k] != after[k]).Order(StringComparer.Ordinal);
        Assert.Equal(["etc/prometheus/file_sd/xxlmeet-visitors.json", "etc/xxlmeet/main/visitor-nodes.env"], changed);
        Assert.Contains("Signaling__VisitorNodes__9__Id=v10", File.ReadAllLines(Path.Combine(_root, "etc/xxlmeet/main/visitor-nodes.env")));
    }

    [Fact]
    public void Operator_edits_of_the_shared_and_main_settings_survive_a_rerun()
    {
        Assert.Equal(0, PreConfigureHere("2").ExitCode);
        var shared = Path.Combine(_root, "etc/xxlmeet/signaling.env");
        File.WriteAllText(shared, "Signaling__Redis=10.0.0.9:6379\n");

        Assert.Equal(0, PreConfigureHere("3").ExitCode);

        Assert.Equal("Signaling__Redis=10.0.0.9:6379\n", File.ReadAllText(shared));
    }

    [Fact]
    public void Dry_run_prints_the_plan_and_writes_nothing()
    {
        Assert.Equal(0, PreConfigureHere("2").ExitCode);
        var before = Checksums();

        var run = PreConfigureHere("3", "--dry-run");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(before, Checksums());
        Assert.Contains("would create /etc/xxlmeet/visitors/v3/signaling.env", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("would update /etc/xxlmeet/main/visitor-nodes.env", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("would keep /etc/xxlmeet/visitors/v1/signaling.env", run.StdOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("N must be a positive integer, got '0'", "0")]
    [InlineData("N must be a positive integer, got 'abc'", "abc")]
    [InlineData("N must be a positive integer, got '-3'", "-3")]
    [InlineData("N must be a positive integer, got '2.5'", "2.5")]
    [InlineData("N must be at most 64, got '65'", "65")]
    [InlineData("N must be at most 64, got '99999999999999999999'", "99999999999999999999")]
    [InlineData("N, the number of visitor nodes, is missing")]
    [InlineData("N given twice ('2' and '3')", "2", "3")]
    [InlineData("unknown option '--nodes'", "--nodes", "2")]
    [InlineData("--port-base must be 1024..65533 for 2 nodes, got '65534'", "2", "--port-base", "65534")]
    [InlineData("--host must be a host name or address, got 'a b'", "2", "--host", "a b")]
    public void Bad_arguments_exit_non_zero_naming_the_problem_and_write_nothing(string message, params string[] args)
    {
        var run = PreConfigureHere(args);

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Equal($"pre-configure.sh: {message}", run.ErrorLines[0]);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }

    [Fact]
    public void A_root_that_is_not_a_directory_is_refused()
    {
        var missing = Path.Combine(_root, "missing");

        var run = PreConfigure("2", "--root", missing);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"pre-configure.sh: --root '{missing}' is not a directory", run.ErrorLines[0]);
    }

    [Fact]
    public void Systemd_analyze_verify_accepts_the_generated_units_and_catches_a_broken_one()
    {
        var analyze = Tools.Require("systemd-analyze", "systemd");
        Assert.Equal(0, PreConfigureHere("2").ExitCode);
        var units = Path.Combine(_root, "etc/systemd/system");
        File.Copy(Path.Combine(Tools.DeployDir, "systemd/bridge.service"), Path.Combine(units, "bridge.service"));
        // verify --root resolves ExecStart= and the targets the units hang off inside the root: give it the system's
        // unit library and stand-in executables where build-release.sh's binaries go.
        Directory.CreateDirectory(Path.Combine(_root, "lib/systemd"));
        Assert.Equal(0, Tools.Run("/bin/cp", ["-a", "/lib/systemd/system", Path.Combine(_root, "lib/systemd/")], Limit).ExitCode);
        foreach (var binary in new[] { "opt/xxlmeet/bridge/bridge", "opt/xxlmeet/signaling/signaling" })
        {
            var path = Path.Combine(_root, binary);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "#!/bin/sh\n");
            Assert.Equal(0, Tools.Run("/bin/chmod", ["755", path], Limit).ExitCode);
        }

        var good = Tools.Run(analyze, ["verify", $"--root={_root}", "bridge.service", "signaling-main.service", "signaling-visitor@v1.service", "signaling-visitor@v2.service"], Limit, units);

        Assert.True(good.ExitCode == 0 && good.StdErr.Trim().Length == 0 && good.StdOut.Trim().Length == 0, good.ToString());

        // The same check on a unit with a misspelt directive value and a missing binary must complain.
        var broken = Path.Combine(units, "broken.service");
        File.WriteAllText(broken, File.ReadAllText(Path.Combine(units, "bridge.service"))
            .Replace("Type=notify", "Type=notfy", StringComparison.Ordinal)
            .Replace("/opt/xxlmeet/bridge/bridge", "/opt/xxlmeet/bridge/missing", StringComparison.Ordinal));
        var bad = Tools.Run(analyze, ["verify", $"--root={_root}", "broken.service"], Limit, units);
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("notfy", bad.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_units_are_notify_services_logging_to_the_journal_and_not_restarted_on_bad_configuration()
    {
        foreach (var unit in new[] { "bridge.service", "signaling-main.service", "signaling-visitor@.service" })
        {
            var lines = File.ReadAllLines(Path.Combine(Tools.DeployDir, "systemd", unit));
            Assert.Contains("Type=notify", lines);
            Assert.Contains("RestartPreventExitStatus=2", lines);
            // No StandardOutput= override: a service's output goes to the journal by default.
            Assert.DoesNotContain(lines, l => l.StartsWith("StandardOutput=", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_deploy_scripts_are_shellcheck_clean()
    {
        var shellcheck = Tools.Require("shellcheck", "shellcheck");
        var scripts = Directory.GetFiles(Tools.DeployDir, "*.sh");
        Assert.Contains(Path.Combine(Tools.DeployDir, "pre-configure.sh"), scripts);
        Assert.Contains(Path.Combine(Tools.DeployDir, "build-release.sh"), scripts);

        var run = Tools.Run(shellcheck, [.. scripts], Limit);

        Assert.True(run.ExitCode == 0, run.ToString());
    }
}
