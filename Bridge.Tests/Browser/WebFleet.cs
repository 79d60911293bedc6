using Bridge.Tests.Registration;
using Bridge.Tests.Signaling.Clients;
using Bridge.Tests.Signaling.Federation;
using Bridge.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Signaling.Assignment;
using Signaling.Clients;
using Signaling.Hosting;

namespace Bridge.Tests.Browser;

/// <summary>
/// The fleet the web client tests open pages against: a main signaling node serving the web client, with in-process bridges
/// registered with it. The one place to change when visitor nodes (and redirects) join the picture.
/// </summary>
public sealed class WebFleet : IAsyncDisposable
{
    private readonly string _room;
    private readonly TcpProxy _pages;

    private WebFleet(TestSignaling signaling, Dictionary<string, TestBridge> bridges, string room)
    {
        Signaling = signaling;
        Bridges = bridges;
        _room = room;
        _pages = new TcpProxy(signaling.Url.Port);
        _pages.Start();
    }

    /// <summary>The main node. Pages reach it through a TCP proxy the test can cut; bridges directly.</summary>
    public TestSignaling Signaling { get; }

    /// <summary>The bridges by id.</summary>
    public IReadOnlyDictionary<string, TestBridge> Bridges { get; }

    /// <summary>The bridge conference id of the room.</summary>
    public string Conference => BridgeApiClient.ConferenceId(RoomName.Parse(_room));

    /// <summary>
    /// Starts the main node seating <paramref name="maxParticipants"/> in <paramref name="room"/> (later joiners are visitors) and
    /// <paramref name="bridges"/> bridges registered with it. Every bridge counts one endpoint of capacity, so a bridge's own recent
    /// endpoints outweigh CPU noise in the reported stress and visitors go to the least used bridge. <paramref name="configure"/>
    /// adds to the node's options (tenants, say).
    /// </summary>
    public static async Task<WebFleet> StartAsync(string room, int maxParticipants, int bridges, Action<SignalingOptions>? configure = null)
    {
        var signaling = await TestSignaling.StartAsync(o =>
        {
            o.EndpointPacketsPerSecond = 1_000_000;
            o.MaxParticipants = maxParticipants;
            configure?.Invoke(o);
        });

        // The host seats by RoomPolicies; the room override makes the threshold hold whether or not the option is wired to them.
        signaling.Services.GetRequiredService<RoomPolicies>().SetRoom(RoomName.Parse(room), new RoomPolicyOverride { MaxParticipants = maxParticipants });
        var started = new Dictionary<string, TestBridge>();
        for (var i = 0; i < bridges; i++)
        {
            var id = $"web-{(char)('a' + i)}";
            started[id] = await ClientSocketTests.StartBridgeAsync(signaling, id);
        }

        return new WebFleet(signaling, started, room);
    }

    /// <summary>The page URL <paramref name="pathAndQuery"/> on the main node (through the proxy).</summary>
    public string PageUrl(string pathAndQuery) => new Uri(new Uri($"http://127.0.0.1:{_pages.Port}/"), pathAndQuery).ToString();

    /// <summary>The id of the bridge holding endpoint <paramref name="endpoint"/> of the room, from the bridges' control APIs.</summary>
    public async Task<string?> BridgeOfAsync(string endpoint)
    {
        foreach (var (id, bridge) in Bridges)
        {
            if (await bridge.StateAsync(Conference, endpoint) is not (null or "expired"))
            {
                return id;
            }
        }

        return null;
    }

    /// <summary>The room's core bridge as the main node's selector has it.</summary>
    public string? CoreBridge => Signaling.Services.GetRequiredService<BridgeSelector>().CoreOf(RoomName.Parse(_room));

    /// <summary>Cuts every page's TCP connection to the main node and refuses new ones (a network outage between browsers and signaling).</summary>
    public void CutClientLinks() => _pages.Stop();

    /// <summary>Lets pages connect to the main node again.</summary>
    public void RestoreClientLinks() => _pages.Start();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // Signaling first: its connections delete their endpoints on the bridges while these still answer.
        _pages.Dispose();
        await Signaling.DisposeAsync();
        foreach (var bridge in Bridges.Values)
        {
            await bridge.DisposeAsync();
        }
    }
}
