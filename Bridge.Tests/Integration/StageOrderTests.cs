using System.Net;
using System.Net.Http.Json;
using Bridge.Api;
using Bridge.Client;
using Bridge.Rtp;
using Bridge.Tests.Support;

namespace Bridge.Tests.Integration;

/// <summary>
/// Sources rank by the stage order signaling gives each publisher's endpoint, not by which endpoint the bridge created first,
/// so a receiver's first video slot carries the stage's first participant (the web client labels tiles by that order).
/// </summary>
public sealed class StageOrderTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_first_video_slot_carries_the_publisher_first_on_stage_even_when_its_endpoint_came_second()
    {
        await using var bridge = await TestBridge.StartAsync();
        // Bob's endpoint is made first (his offer was quicker, or Ann's endpoint was re-created after a move), Ann is first on stage.
        var (bob, _) = await bridge.ConnectPeerAsync("room", "bob", publish: true, audioSsrc: 0x3333, videoSsrc: 0x4444, order: 2);
        var (ann, annAnswer) = await bridge.ConnectPeerAsync("room", "ann", publish: true, order: 1);
        var (viewer, _) = await bridge.ConnectPeerAsync("room", "view", publish: false);
        using var _b = bob;
        using var _a = ann;
        using var _v = viewer;
        await bridge.WaitSecureAsync("room", "ann", "bob", "view");
        Assert.Equal(1, annAnswer.Endpoint.Order);
        Assert.Null((await bridge.Http.GetFromJsonAsync<EndpointInfo>("/conferences/room/endpoints/view"))!.Order);

        // One video slot (the default): only the first-ranked video reaches the viewer.
        ushort sequence = 0;
        Assert.True(await SimulatedPeer.WaitUntilAsync(() =>
        {
            sequence++;
            ann.SendRtp(0x2222, 96, sequence, sequence * 3000u, [0xA]);
            bob.SendRtp(0x4444, 96, sequence, sequence * 3000u, [0xB]);
            return VideoMarkers(viewer).Count >= 20;
        }, Wait), "the viewer got no video");
        Assert.Equal([(byte)0xA], VideoMarkers(viewer).Distinct());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(long.MaxValue)]
    public async Task An_order_out_of_range_is_refused(long order)
    {
        await using var bridge = await TestBridge.StartAsync();
        var response = await bridge.Http.PostAsJsonAsync("/conferences/c/endpoints", new CreateEndpointRequest("a", "sender", order));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("order must be an integer 0..", (await response.Content.ReadFromJsonAsync<ApiError>())!.Error, StringComparison.Ordinal);
    }

    private static List<byte> VideoMarkers(SimulatedPeer viewer) =>
        [.. viewer.ReceivedRtp.ToArray().Select(p => RtpPacket.TryParse(p, out var rtp) && rtp.PayloadType == 96 && rtp.Payload.Length > 0 ? rtp.Payload[0] : (byte)0).Where(b => b != 0)];
}
