using Bridge.Client;
using Microsoft.AspNetCore.Builder;
using Signaling.Federation;
using Signaling.Hosting;
using Signaling.Tenants;

namespace Bridge.Tests.Signaling.Nodes;

/// <summary>Main compares every visitor node's tenant and admission settings with its own, through the nodes' heartbeats.</summary>
public sealed class NodeSettingsTests
{
    private const string Secret = "acme-secret-0123456789-0123456789-abcdef";

    private static void Fleet(SignalingOptions o)
    {
        o.Tenants["acme"] = new TenantOptions { JwtSecret = Secret, MaxParticipants = 5, AutoPromote = ["ann", "bob"] };
        o.Tenants["globex"] = new TenantOptions { LiveRoom = true };
    }

    [Fact]
    public void The_fingerprint_ignores_order_and_changes_with_any_setting()
    {
        var main = new SignalingOptions();
        Fleet(main);
        var reordered = new SignalingOptions();
        reordered.Tenants["globex"] = new TenantOptions { LiveRoom = true };
        reordered.Tenants["acme"] = new TenantOptions { JwtSecret = Secret, MaxParticipants = 5, AutoPromote = ["bob", "ann"] };
        Assert.Equal(FleetSettingsDigest.Of(main), FleetSettingsDigest.Of(reordered));
        Assert.Matches("^[0-9a-f]{16}$", FleetSettingsDigest.Of(main));
        Assert.DoesNotContain(Secret, FleetSettingsDigest.Of(main), StringComparison.Ordinal);

        // Per-node settings (URLs, ids, secrets of the node links) are not fleet-wide.
        reordered.NodeId = "v1";
        reordered.Url = "http://127.0.0.1:7071";
        Assert.Equal(FleetSettingsDigest.Of(main), FleetSettingsDigest.Of(reordered));

        foreach (var change in new Action<SignalingOptions>[]
        {
            o => o.Tenants["acme"].JwtSecret = Secret + "x",
            o => o.Tenants["acme"].MaxParticipants = null,
            o => o.Tenants["globex"].LiveRoom = false,
            o => o.Tenants["globex"].VisitorsEnabled = true,
            o => o.Tenants["globex"].MaxPromoted = 3,
            o => o.Tenants["acme"].AutoPromote = ["ann"],
            o => o.Tenants.Remove("globex"),
            o => o.MaxParticipants = 31,
            o => o.VisitorsEnabled = false,
            o => o.LiveRoom = true,
            o => o.MaxPromoted = 11,
            o => o.AutoPromote = ["cid"],
        })
        {
            var other = new SignalingOptions();
            Fleet(other);
            change(other);
            Assert.NotEqual(FleetSettingsDigest.Of(main), FleetSettingsDigest.Of(other));
        }
    }

    [Fact]
    public async Task A_visitor_node_with_another_token_secret_is_flagged_on_main_and_one_alike_is_not()
    {
        await using var bus = new InProcessFederationBus();
        await using var main = SignalingHost.Build([], o =>
        {
            o.Url = "http://127.0.0.1:0";
            o.VisitorNodes = [new VisitorNodeEntry { Id = "v1", Url = "http://127.0.0.1:7801" }, new VisitorNodeEntry { Id = "v2", Url = "http://127.0.0.1:7802" }];
            Fleet(o);
        }, bus: bus);
        await main.StartAsync();
        var mainUrl = main.Urls.First();
        await using var same = await StartNodeAsync(bus, "v1", mainUrl, Fleet);
        await using var stale = await StartNodeAsync(bus, "v2", mainUrl, o =>
        {
            Fleet(o);
            o.Tenants["acme"].JwtSecret = "an-old-secret-0123456789-0123456789-xyz";
        });

        using var http = new HttpClient { BaseAddress = new Uri(mainUrl) };
        string metrics = "";
        Assert.True(
            await SimulatedPeer.WaitUntilAsync(() => (metrics = http.GetStringAsync("/metrics").Result).Contains("signaling_visitor_node_settings_differ{node=\"v1\"}", StringComparison.Ordinal)
                && metrics.Contains("signaling_visitor_node_settings_differ{node=\"v2\"}", StringComparison.Ordinal), TimeSpan.FromSeconds(10)),
            "both nodes' heartbeats should have been compared");
        Assert.Contains("signaling_visitor_node_settings_differ{node=\"v1\"} 0", metrics, StringComparison.Ordinal);
        Assert.Contains("signaling_visitor_node_settings_differ{node=\"v2\"} 1", metrics, StringComparison.Ordinal);
    }

    private static async Task<WebApplication> StartNodeAsync(IFederationBus bus, string id, string mainUrl, Action<SignalingOptions> settings)
    {
        var node = SignalingHost.Build([], o =>
        {
            o.Role = SignalingOptions.VisitorRole;
            o.NodeId = id;
            o.Url = "http://127.0.0.1:0";
            o.MainUrl = mainUrl;
            settings(o);
        }, bus: bus);
        await node.StartAsync();
        return node;
    }
}
