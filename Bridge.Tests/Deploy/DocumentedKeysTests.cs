using System.Reflection;
using Bridge.Hosting;
using Signaling.Hosting;

namespace Bridge.Tests.Deploy;

/// <summary>Every option key is documented in docs/configuration.md and present in the files the deployment ships.</summary>
public sealed class DocumentedKeysTests
{
    public static TheoryData<string, string> Keys()
    {
        var data = new TheoryData<string, string>();
        foreach (var (section, type) in new[] { (BridgeOptions.Section, typeof(BridgeOptions)), (SignalingOptions.Section, typeof(SignalingOptions)) })
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                data.Add(section, property.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void The_key_is_in_the_reference_and_in_a_shipped_config_file(string section, string key)
    {
        var reference = File.ReadAllText(Path.Combine(Tools.RepoRoot, "docs/configuration.md"));
        Assert.Contains($"| `{key}", reference, StringComparison.Ordinal);

        // The config templates, plus what pre-configure.sh writes for each visitor node and the main node's list.
        var shipped = string.Concat(Directory.GetFiles(Path.Combine(Tools.DeployDir, "config"), "*.env").Append(Path.Combine(Tools.DeployDir, "pre-configure.sh")).Select(File.ReadAllText));
        Assert.Contains($"{section}__{key}", shipped, StringComparison.Ordinal);
    }
}
