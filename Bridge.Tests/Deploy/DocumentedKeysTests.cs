using System.Reflection;
using System.Text.RegularExpressions;
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
                // A dictionary keyed by names the operator picks (Signaling:Tenants:acme:JwtSecret): each key of its values, under <name>.
                if (property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>))
                {
                    var value = property.PropertyType.GetGenericArguments()[1];
                    var placeholder = $"<{value.Name.Replace("Options", "", StringComparison.Ordinal).ToLowerInvariant()}>";
                    foreach (var nested in value.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
                    {
                        data.Add(section, $"{property.Name}:{placeholder}:{nested.Name}");
                    }

                    continue;
                }

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
        // A per-name key is shipped for an example name: Signaling__Tenants__acme__JwtSecret.
        var pattern = string.Join("__", $"{section}:{key}".Split(':').Select(part => part.StartsWith('<') ? "[a-z0-9._-]+" : Regex.Escape(part)));
        Assert.Matches(new Regex(pattern, RegexOptions.CultureInvariant), shipped);
    }
}
