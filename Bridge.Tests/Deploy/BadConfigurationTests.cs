namespace Bridge.Tests.Deploy;

/// <summary>
/// The real bridge and signaling executables started with bad configuration, the way a unit's environment file or an
/// appsettings.json would give it: each must stop at start with exit code 2 and exactly one line naming the key.
/// </summary>
public sealed class BadConfigurationTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    // Free ports for what is valid, so a key the process wrongly accepted shows as a start instead of a clash. As
    // environment variables, like the units' files: a test's own variable replaces these, and nothing outranks them.
    private static readonly Dictionary<string, string> BridgeBase = new() { ["Bridge__MediaPort"] = "0", ["Bridge__ApiUrl"] = "http://127.0.0.1:0" };
    private static readonly Dictionary<string, string> SignalingBase = new() { ["Signaling__Url"] = "http://127.0.0.1:0" };

    // An empty working directory: the content root, so no appsettings.json is picked up unless a test writes one.
    private readonly string _cwd = Directory.CreateTempSubdirectory("badconf-").FullName;

    public void Dispose() => Directory.Delete(_cwd, recursive: true);

    private ProcessResult Start(string executable, string[] args, Dictionary<string, string> environment) =>
        Tools.Run(Path.Combine(AppContext.BaseDirectory, executable), args, Limit, _cwd, environment);

    [Theory]
    [InlineData("Bridge__MediaPrt", "10000", "configuration error: Bridge:MediaPrt is not a known key (see docs/configuration.md)")]
    [InlineData("Bridge__MediaPort", "70000", "configuration error: Bridge:MediaPort must be 0..65535, got 70000")]
    [InlineData("Bridge__MediaPort", "-1", "configuration error: Bridge:MediaPort must be 0..65535, got -1")]
    [InlineData("Bridge__MediaPort", "ten", "configuration error: Failed to convert configuration value 'ten' at 'Bridge:MediaPort' to type 'System.Int32'.")]
    [InlineData("Bridge__ApiUrl", "http://127.0.0.1:70000", "configuration error: Bridge:ApiUrl must be an http(s) URL, got 'http://127.0.0.1:70000'")]
    [InlineData("Bridge__RequireSignaling", "true", "configuration error: Bridge:SignalingUrl must be set when Bridge:RequireSignaling is true (the main signaling node's URL, e.g. http://10.0.0.2:7070)")]
    [InlineData("Bridge__Region__Name", "x", "configuration error: Bridge:Region:Name is not a known key (see docs/configuration.md)")]
    public void The_bridge_stops_with_one_line_naming_the_key(string key, string value, string line)
    {
        var run = Start("bridge", [], new(BridgeBase) { [key] = value });

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal([line], run.ErrorLines);
    }

    [Fact]
    public void An_unknown_key_in_appsettings_json_stops_the_bridge_too()
    {
        File.WriteAllText(Path.Combine(_cwd, "appsettings.json"), """{"Bridge": {"SignallingUrl": "http://10.0.0.2:7070"}}""");

        var run = Start("bridge", [], BridgeBase);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal(["configuration error: Bridge:SignallingUrl is not a known key (see docs/configuration.md)"], run.ErrorLines);
    }

    [Theory]
    [InlineData("Signaling__Urll", "http://127.0.0.1:7070", "configuration error: Signaling:Urll is not a known key (see docs/configuration.md)")]
    [InlineData("Signaling__Url", "http://127.0.0.1:99999", "configuration error: Signaling:Url must be an http(s) URL, got 'http://127.0.0.1:99999'")]
    [InlineData("Signaling__MaxParticipants", "many", "configuration error: Failed to convert configuration value 'many' at 'Signaling:MaxParticipants' to type 'System.Int32'.")]
    [InlineData("Signaling__ReportIntervalSeconds", "0", "configuration error: Signaling:ReportIntervalSeconds must be 1..60, got 0")]
    public void The_main_signaling_node_stops_with_one_line_naming_the_key(string key, string value, string line)
    {
        var run = Start("signaling", ["--role", "main"], new(SignalingBase) { [key] = value });

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal([line], run.ErrorLines);
    }

    [Fact]
    public void A_misspelt_key_inside_the_visitor_node_list_is_named_with_its_index()
    {
        var run = Start("signaling", ["--role", "main"], new(SignalingBase)
        {
            ["Signaling__VisitorNodes__0__Id"] = "v1",
            ["Signaling__VisitorNodes__0__Url"] = "http://127.0.0.1:7071",
            ["Signaling__VisitorNodes__1__Id"] = "v2",
            ["Signaling__VisitorNodes__1__Link"] = "http://127.0.0.1:7072",
        });

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("configuration error: Signaling:VisitorNodes:1:Link is not a known key (see docs/configuration.md)", run.ErrorLines);
        Assert.Equal(2, run.ErrorLines.Length); // and the missing Url of that entry
    }
}
