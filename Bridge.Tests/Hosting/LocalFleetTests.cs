using System.Net;
using System.Net.Http.Json;
using Bridge.Api;
using Bridge.Client;
using Bridge.Hosting;
using Bridge.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Tests.Hosting;

/// <summary>The README's run command: the local fleet forms a two-hop relay tree and carries media from the core to its deepest bridge.</summary>
public sealed class LocalFleetTests
{
    [Fact]
    public async Task Local_fleet_carries_media_from_the_core_to_the_deepest_bridge()
    {
        await using var fleet = await LocalFleet.StartAsync(4, apiPort: 0, mediaPort: 0);
        var deepest = fleet.Bridges.MaxBy(b => fleet.HopsTo(b.Id));
        Assert.Equal("relay3", deepest.Id);
        Assert.Equal(2, fleet.HopsTo(deepest.Id));

        var (publisher, _) = await ConnectAsync(fleet, "core", "pub", publish: true);
        var (viewer, _) = await ConnectAsync(fleet, deepest.Id, "view", publish: false);
        using var _p = publisher;
        using var _v = viewer;
        ushort sequence = 0;
        Assert.True(await SimulatedPeer.WaitUntilAsync(() =>
        {
            publisher.SendRtp(0x1111, 111, ++sequence, sequence * 960u, new byte[40]);
            return !viewer.ReceivedRtp.IsEmpty;
        }, TimeSpan.FromSeconds(15)), "no media reached the deepest bridge");
        Assert.Equal(0, viewer.DecryptFailures);
    }

    private static async Task<(SimulatedPeer, AnswerResponse)> ConnectAsync(LocalFleet fleet, string bridge, string id, bool publish)
    {
        using var http = new HttpClient { BaseAddress = fleet.Bridges.First(b => b.Id == bridge).Api };
        var peer = new SimulatedPeer();
        var created = await http.PostAsJsonAsync($"/conferences/{LocalFleet.Conference}/endpoints", new CreateEndpointRequest(id, publish ? "sender" : "receiver"));
        var info = (await created.Content.ReadFromJsonAsync<EndpointInfo>())!;
        var response = await http.PostAsJsonAsync($"/conferences/{LocalFleet.Conference}/endpoints/{id}/sdp", new SessionDescription("offer", peer.CreateOffer(publish)));
        var answer = (await response.Content.ReadFromJsonAsync<AnswerResponse>())!;
        var media = new IPEndPoint(IPAddress.Loopback, fleet.Services(bridge).GetRequiredService<MediaSocket>().LocalPort);
        await peer.ConnectAsync(media, info.IceUfrag, info.IcePwd, info.Fingerprint, TimeSpan.FromSeconds(10));
        return (peer, answer);
    }
}
