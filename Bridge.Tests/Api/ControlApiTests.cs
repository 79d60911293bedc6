using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Bridge.Api;
using Bridge.Client;
using Bridge.Tests.Support;

namespace Bridge.Tests.Api;

public sealed class ControlApiTests
{
    [Fact]
    public async Task Endpoint_lifecycle_through_the_api()
    {
        await using var bridge = await TestBridge.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await bridge.Http.PutAsync("/conferences/c1", null)).StatusCode);
        var info = await bridge.CreateEndpointAsync("c1", "alice", "sender");
        Assert.Equal("created", info.State);
        Assert.Equal(8, info.IceUfrag.Length);
        Assert.True(info.IcePwd.Length >= 22);
        Assert.StartsWith("sha-256 ", info.Fingerprint, StringComparison.Ordinal);
        Assert.Equal(bridge.MediaEndPoint.Port, Assert.Single(info.Candidates).Port);

        var duplicate = await bridge.Http.PostAsJsonAsync("/conferences/c1/endpoints", new CreateEndpointRequest("alice", "sender"));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);

        using var peer = new SimulatedPeer();
        var answer = await bridge.NegotiateAsync("c1", "alice", peer.CreateOffer(publish: true));
        Assert.Contains("a=ice-lite", answer.Sdp, StringComparison.Ordinal);
        Assert.Equal("negotiated", answer.Endpoint.State);
        Assert.Equal([0x1111u], answer.Endpoint.Media.First(m => m.Kind == "audio").RemoteSsrcs);

        var again = await bridge.Http.PostAsJsonAsync("/conferences/c1/endpoints/alice/sdp", new SessionDescription("offer", peer.CreateOffer(publish: true)));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        var list = await bridge.Http.GetFromJsonAsync<List<ConferenceInfo>>("/conferences");
        Assert.Equal("alice", Assert.Single(Assert.Single(list!).Endpoints).Id);
        Assert.Equal(HttpStatusCode.NoContent, (await bridge.Http.DeleteAsync("/conferences/c1/endpoints/alice")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bridge.Http.GetAsync("/conferences/c1/endpoints/alice")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await bridge.Http.DeleteAsync("/conferences/c1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bridge.Http.DeleteAsync("/conferences/c1")).StatusCode);
    }

    [Theory]
    [InlineData("/conferences/bad%20id/endpoints", "{\"id\":\"a\",\"role\":\"sender\"}", "conference id must be")]
    [InlineData("/conferences/c/endpoints", "{\"id\":\"\",\"role\":\"sender\"}", "endpoint id must be")]
    [InlineData("/conferences/c/endpoints", "{\"id\":\"a\",\"role\":\"boss\"}", "role must be 'sender' or 'receiver'")]
    public async Task Bad_requests_get_a_400_naming_the_problem(string path, string json, string message)
    {
        await using var bridge = await TestBridge.StartAsync();
        var response = await bridge.Http.PostAsync(path, new StringContent(json, MediaTypeHeaderValue.Parse("application/json")));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<ApiError>();
        Assert.Contains(message, error!.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not sdp at all")]
    [InlineData("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\na=sendonly\r\n")]
    public async Task A_bad_offer_is_refused_and_the_endpoint_stays_usable(string sdp)
    {
        await using var bridge = await TestBridge.StartAsync();
        await bridge.CreateEndpointAsync("c", "a", "sender");
        var response = await bridge.Http.PostAsJsonAsync("/conferences/c/endpoints/a/sdp", new SessionDescription("offer", sdp));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("offer rejected: ", (await response.Content.ReadFromJsonAsync<ApiError>())!.Error, StringComparison.Ordinal);
        using var peer = new SimulatedPeer();
        await bridge.NegotiateAsync("c", "a", peer.CreateOffer(publish: true));
    }

    [Fact]
    public async Task With_a_secret_the_api_needs_the_bearer_token_but_health_and_metrics_do_not()
    {
        const string secret = "0123456789abcdef-secret";
        await using var bridge = await TestBridge.StartAsync(o => o.ApiSecret = secret);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bridge.Http.GetAsync("/conferences")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await bridge.Http.GetAsync("/stats")).StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/conferences");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await bridge.Http.SendAsync(wrong)).StatusCode);
        using var right = new HttpRequestMessage(HttpMethod.Get, "/conferences");
        right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await bridge.Http.SendAsync(right)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bridge.Http.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bridge.Http.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Metrics_expose_drops_by_reason_and_endpoints_by_role()
    {
        await using var bridge = await TestBridge.StartAsync();
        await bridge.CreateEndpointAsync("c", "v", "receiver");
        using var udp = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await udp.SendAsync(new byte[] { 0x80, 0x60, 0, 1 }, bridge.MediaEndPoint);
        await udp.SendAsync(new byte[] { 0xFF }, bridge.MediaEndPoint);
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => bridge.Counters.DroppedTotal() >= 2, TimeSpan.FromSeconds(5)));
        var text = await bridge.Http.GetStringAsync("/metrics");
        Assert.Contains("bridge_dropped_packets_total{reason=\"unknown_sender\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("bridge_dropped_packets_total{reason=\"unknown_protocol\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("bridge_endpoints{role=\"receiver\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("bridge_conferences 1", text, StringComparison.Ordinal);
        Assert.Contains("bridge_packets_received_total 2", text, StringComparison.Ordinal);
        var stats = await bridge.Http.GetFromJsonAsync<BridgeStats>("/stats");
        Assert.Equal(1, stats!.Dropped["unknown_sender"]);
        // The default: one media loop per core (at most 16), and every loop's counters are in the totals above.
        Assert.Equal(Math.Min(Environment.ProcessorCount, 16), stats.MediaLoops);
        Assert.Contains($"bridge_media_loops {stats.MediaLoops}", text, StringComparison.Ordinal);
    }
}
