using BridgeRelay.Contracts;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bridge.Hosting;
using Bridge.Registration;
using Bridge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Signaling.Assignment;
using Signaling.Hosting;

namespace Bridge.Tests.Registration;

/// <summary>A real bridge registering with an in-process main signaling node, both on loopback with a 1 s report interval.</summary>
public class RegistrationTests
{
    private const string Secret = "registration-secret-0123";
    private static readonly TimeSpan TwoIntervals = TimeSpan.FromSeconds(2.5);

    private static Task<TestBridge> StartBridgeAsync(TestSignaling signaling, string id, Action<BridgeOptions>? configure = null) =>
        TestBridge.StartAsync(o =>
        {
            o.BridgeId = id;
            o.Region = "eu-west";
            o.SignalingUrl = signaling.Url.ToString();
            o.ReportIntervalSeconds = 1;
            configure?.Invoke(o);
        });

    [Fact]
    public async Task A_bridge_appears_within_two_intervals_with_its_id_region_api_and_stress()
    {
        await using var signaling = await TestSignaling.StartAsync();
        // Capacity left at its default: 100,000 packets/s per media loop.
        await using var bridge = await StartBridgeAsync(signaling, "reg-a", o => o.ReceiveLoops = 3);

        var bridges = await signaling.WaitForAsync(b => b.ContainsKey("reg-a"), TwoIntervals);
        var listed = bridges["reg-a"];
        Assert.Equal("alive", listed.GetProperty("state").GetString());
        Assert.Equal("eu-west", listed.GetProperty("region").GetString());
        Assert.Equal(bridge.Api.GetLeftPart(UriPartial.Authority), listed.GetProperty("apiUrl").GetString());
        Assert.Equal(bridge.MediaEndPoint.Port, listed.GetProperty("mediaPort").GetInt32());
        Assert.Equal("127.0.0.1", listed.GetProperty("mediaHost").GetString());
        Assert.Equal(300_000, listed.GetProperty("capacityPps").GetDouble());
        Assert.Equal(1, listed.GetProperty("reportIntervalSeconds").GetInt32());
        // CPU counts into stress, and this test process runs many tests at once: only the documented clamp is certain.
        Assert.InRange(listed.GetProperty("stress").GetDouble(), 0, StressMeter.MaxStress);
        Assert.Equal("reg-a", signaling.Registry.Selector.ChooseCore(RoomName.Parse("acme/room")).BridgeId);

        var metrics = await bridge.Http.GetStringAsync("/metrics");
        Assert.Contains("bridge_stress ", metrics, StringComparison.Ordinal);
        Assert.Matches("bridge_signaling_reports_total\\{result=\"ok\"\\} [1-9]", metrics);
        var stats = await bridge.Http.GetFromJsonAsync<JsonElement>("/stats");
        Assert.InRange(stats.GetProperty("stress").GetDouble(), 0, StressMeter.MaxStress);
        Assert.Contains("signaling_bridges{state=\"alive\"} 1", await signaling.Http.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bridge_without_media_reports_zero_stress_by_packets()
    {
        await using var signaling = await TestSignaling.StartAsync();
        // CPU left out: this test process runs other tests too, so its CPU share says nothing about the bridge.
        await using var bridge = await StartBridgeAsync(signaling, "reg-idle", o => (o.StressIncludesCpu, o.CapacityPacketsPerSecond) = (false, 123_456));

        var bridges = await signaling.WaitForAsync(b => b.TryGetValue("reg-idle", out var e) && e.GetProperty("secondsSinceReport").GetDouble() < 0.9 && bridge.Services.GetRequiredService<ReportCounters>().Of(ReportOutcome.Ok) >= 2, TimeSpan.FromSeconds(4));
        var listed = bridges["reg-idle"];
        Assert.Equal(0, listed.GetProperty("packetRatePps").GetDouble());
        Assert.InRange(listed.GetProperty("stress").GetDouble(), 0, 0.001);
        Assert.Equal(0, listed.GetProperty("endpoints").GetInt32());
        Assert.Equal(123_456, listed.GetProperty("capacityPps").GetDouble());
    }

    [Fact]
    public async Task A_stopped_bridge_is_out_after_three_intervals_and_no_longer_chosen()
    {
        await using var signaling = await TestSignaling.StartAsync();
        await using var stays = await StartBridgeAsync(signaling, "reg-stays", o => o.StressIncludesCpu = false);
        var leaves = await StartBridgeAsync(signaling, "reg-leaves", o => o.StressIncludesCpu = false);
        await signaling.WaitForAsync(b => b.Count == 2, TwoIntervals);
        await leaves.DisposeAsync();
        var stopped = DateTime.UtcNow;

        var bridges = await signaling.WaitForAsync(b => b["reg-leaves"].GetProperty("state").GetString() == "out", TimeSpan.FromSeconds(6));
        var took = DateTime.UtcNow - stopped;
        Assert.Equal("out", bridges["reg-leaves"].GetProperty("state").GetString());
        Assert.Equal("alive", bridges["reg-stays"].GetProperty("state").GetString());
        Assert.InRange(took, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(5));

        // The sweep runs once per interval; after it the bridge is gone from selection altogether.
        await Task.Delay(1200);
        Assert.DoesNotContain(signaling.Registry.Selector.Snapshot(), l => l.BridgeId == "reg-leaves");
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("reg-stays", signaling.Registry.Selector.ChooseVisitorBridge(RoomName.Parse("acme/room")).BridgeId);
        }

        Assert.Contains("signaling_bridges{state=\"out\"} 1", await signaling.Http.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("a-wrong-secret-of-length")]
    public async Task A_wrong_or_missing_secret_gets_401_and_counts_as_unauthorized(string? bridgeSecret)
    {
        await using var signaling = await TestSignaling.StartAsync(o => o.BridgeSecret = Secret);
        await using var bridge = await StartBridgeAsync(signaling, "reg-auth", o => o.ApiSecret = bridgeSecret);
        var counters = bridge.Services.GetRequiredService<ReportCounters>();
        for (var i = 0; i < 40 && counters.Of(ReportOutcome.Unauthorized) == 0; i++)
        {
            await Task.Delay(50);
        }

        Assert.True(counters.Of(ReportOutcome.Unauthorized) >= 1);
        Assert.Equal(0, counters.Of(ReportOutcome.Ok));
        Assert.Empty(await signaling.BridgesAsync(Secret));
        Assert.Equal(HttpStatusCode.Unauthorized, (await signaling.Http.GetAsync("/bridges")).StatusCode);
        using var post = await signaling.Http.PostAsync("/bridges/reg-auth", new StringContent(BridgeReportParserTests.Valid, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);

        var metricsRequest = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (bridgeSecret is not null)
        {
            metricsRequest.Headers.Authorization = new("Bearer", bridgeSecret);
        }

        var metrics = await (await bridge.Http.SendAsync(metricsRequest)).Content.ReadAsStringAsync();
        Assert.Matches("bridge_signaling_reports_total\\{result=\"unauthorized\"\\} [1-9]", metrics);
    }

    [Fact]
    public async Task The_right_secret_registers()
    {
        await using var signaling = await TestSignaling.StartAsync(o => o.BridgeSecret = Secret);
        await using var bridge = await StartBridgeAsync(signaling, "reg-ok", o => o.ApiSecret = Secret);
        Assert.True((await signaling.WaitForAsync(b => b.ContainsKey("reg-ok"), TwoIntervals, Secret)).ContainsKey("reg-ok"));
    }

    [Fact]
    public async Task An_unreachable_signaling_node_is_counted_and_the_bridge_keeps_running()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        await using var bridge = await TestBridge.StartAsync(o =>
        {
            o.SignalingUrl = $"http://127.0.0.1:{port}";
            o.ReportIntervalSeconds = 1;
        });
        var counters = bridge.Services.GetRequiredService<ReportCounters>();
        for (var i = 0; i < 40 && counters.Of(ReportOutcome.Unreachable) == 0; i++)
        {
            await Task.Delay(50);
        }

        Assert.True(counters.Of(ReportOutcome.Unreachable) >= 1);
        Assert.Equal(HttpStatusCode.OK, (await bridge.Http.GetAsync("/health")).StatusCode);
    }

    [Theory]
    [InlineData("reg-x", """{"bridgeId":"reg-x"}""", "region")]
    [InlineData("reg-x", """{"bridgeId":"other"}""", "bridgeId")]
    [InlineData("reg-x", "not json", "body")]
    [InlineData("b1", null, "mediaPort")]
    public async Task A_bad_body_gets_400_naming_the_field(string id, string? body, string field)
    {
        await using var signaling = await TestSignaling.StartAsync();
        body ??= BridgeReportParserTests.Valid.Replace("10000", "70000", StringComparison.Ordinal);
        using var response = await signaling.Http.PostAsync($"/bridges/{id}", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString();
        Assert.StartsWith(field + " ", error, StringComparison.Ordinal);
        Assert.Empty(await signaling.BridgesAsync());
    }

    [Fact]
    public async Task A_good_body_posted_by_hand_registers_once_then_reports()
    {
        await using var signaling = await TestSignaling.StartAsync();
        using var first = await signaling.Http.PostAsync("/bridges/b1", new StringContent(BridgeReportParserTests.Valid, Encoding.UTF8, "application/json"));
        using var second = await signaling.Http.PostAsync("/bridges/b1", new StringContent(BridgeReportParserTests.Valid, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(0.25, (await signaling.BridgesAsync())["b1"].GetProperty("stress").GetDouble());
    }

    [Theory]
    [InlineData(nameof(BridgeOptions.ReportIntervalSeconds))]
    [InlineData(nameof(BridgeOptions.Region))]
    [InlineData(nameof(BridgeOptions.SignalingUrl))]
    [InlineData(nameof(BridgeOptions.CapacityPacketsPerSecond))]
    public void Bad_bridge_options_stop_start_up_naming_the_key(string key)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => BridgeHost.Build([], o =>
        {
            o.ApiUrl = "http://127.0.0.1:0";
            o.MediaPort = 0;
            switch (key)
            {
                case nameof(BridgeOptions.ReportIntervalSeconds): o.ReportIntervalSeconds = 0; break;
                case nameof(BridgeOptions.Region): o.Region = "eu west"; break;
                case nameof(BridgeOptions.SignalingUrl): o.SignalingUrl = "ftp://signaling"; break;
                default: o.CapacityPacketsPerSecond = 10; break;
            }
        }));
        Assert.StartsWith($"Bridge:{key} ", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(SignalingOptions.Url))]
    [InlineData(nameof(SignalingOptions.BridgeSecret))]
    [InlineData(nameof(SignalingOptions.ReportIntervalSeconds))]
    [InlineData(nameof(SignalingOptions.MissedReportsBeforeOut))]
    [InlineData(nameof(SignalingOptions.EndpointPacketsPerSecond))]
    public void Bad_signaling_options_stop_start_up_naming_the_key(string key)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => SignalingHost.Build([], o =>
        {
            switch (key)
            {
                case nameof(SignalingOptions.Url): o.Url = "not a url"; break;
                case nameof(SignalingOptions.BridgeSecret): o.BridgeSecret = "short"; break;
                case nameof(SignalingOptions.ReportIntervalSeconds): o.ReportIntervalSeconds = 61; break;
                case nameof(SignalingOptions.MissedReportsBeforeOut): o.MissedReportsBeforeOut = 0; break;
                default: o.EndpointPacketsPerSecond = 0; break;
            }
        }));
        Assert.StartsWith($"Signaling:{key} ", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("--role", "visitor")]
    [InlineData("--role")]
    [InlineData("--role", "observer")]
    public void Signaling_without_a_valid_role_exits_2(params string[] args)
    {
        Assert.Equal(2, global::Signaling.Program.Main(args));
    }
}
