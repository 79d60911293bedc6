using System.Diagnostics;
using System.Net.WebSockets;
using Bridge.Tests.Registration;

namespace Bridge.Tests.Signaling.Clients;

/// <summary>A stopping signaling node closes its clients with 1001 at once instead of waiting out the host's shutdown timeout.</summary>
public class ShutdownTests
{
    [Fact]
    public async Task Stopping_the_node_closes_connected_clients_with_going_away_within_seconds()
    {
        var signaling = await TestSignaling.StartAsync();
        await using var client = await TestClient.ConnectAsync(signaling.Url);
        await client.PingAsync("before");
        var clock = Stopwatch.StartNew();
        var closing = client.ExpectCloseAsync();
        await signaling.DisposeAsync();
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await closing);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"shutdown took {clock.Elapsed}");
    }
}
