using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bridge.Tests.Registration;
using Bridge.Tests.Signaling.Clients;
using Microsoft.Extensions.DependencyInjection;
using Signaling.Assignment;

namespace Bridge.Tests.Signaling.Nodes;

/// <summary>Main's placement route for visitor nodes: hostile bodies, the node secret, refusals, and a placement with the room's state.</summary>
public class PlacementRoutesTests
{
    private const string Secret = "node-secret-0123456789";

    [Theory]
    [InlineData("not json", HttpStatusCode.BadRequest, "bad-json")]
    [InlineData("null", HttpStatusCode.BadRequest, "bad-json")]
    [InlineData("""{"room":"Upper/Case","node":"v1"}""", HttpStatusCode.BadRequest, "bad-field")]
    [InlineData("""{"room":"acme/x"}""", HttpStatusCode.BadRequest, "bad-field")]
    [InlineData("""{"room":"acme/x","node":"v1"}""", HttpStatusCode.ServiceUnavailable, "internal")]
    public async Task Bad_or_unplaceable_requests_get_a_typed_refusal(string body, HttpStatusCode status, string code)
    {
        await using var signaling = await TestSignaling.StartAsync(o => o.NodeSecret = Secret);
        using var request = Post(body, Secret);
        using var response = await signaling.Http.SendAsync(request);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Without_the_node_secret_main_refuses_and_a_room_without_visitors_is_refused_with_its_reason()
    {
        await using var signaling = await TestSignaling.StartAsync(o => o.NodeSecret = Secret);
        await using var bridge = await ClientSocketTests.StartBridgeAsync(signaling, "pl-b");
        using (var anonymous = Post("""{"room":"acme/x","node":"v1"}""", null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await signaling.Http.SendAsync(anonymous)).StatusCode);
        }

        signaling.Services.GetRequiredService<RoomPolicies>().SetRoom(RoomName.Parse("acme/closed"), new RoomPolicyOverride { VisitorsEnabled = false });
        using (var closed = Post("""{"room":"acme/closed","node":"v1"}""", Secret))
        {
            using var response = await signaling.Http.SendAsync(closed);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("visitors-disabled", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }

        await using var ann = await TestClient.ConnectAsync(signaling.Url);
        await ann.JoinAsync("acme/x", "Ann");
        using var open = Post("""{"room":"acme/x","node":"v1"}""", Secret);
        using var placed = await signaling.Http.SendAsync(open);
        Assert.Equal(HttpStatusCode.OK, placed.StatusCode);
        var json = await placed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("pl-b", json.GetProperty("bridgeId").GetString());
        Assert.Equal(bridge.Api, new Uri(json.GetProperty("api").GetString()!));
        Assert.Equal("Ann", json.GetProperty("stage").GetProperty("participants")[0].GetProperty("name").GetString());
        Assert.True(json.GetProperty("stage").GetProperty("seq").GetInt64() >= 1);
    }

    private static HttpRequestMessage Post(string body, string? secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/federation/placements") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (secret is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        }

        return request;
    }
}
