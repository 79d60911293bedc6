using System.Net;
using System.Security.Cryptography;
using Bridge.Conferences;
using Bridge.Relay;
using Bridge.Transport;
using BridgeRelay.Tree;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Hosting;

/// <summary>
/// The README's run command: several bridges in one process on loopback, linked into a relay tree
/// planned by <see cref="TreePlanner"/>, with the demo conference created on each. The demo page of
/// any bridge publishes or watches there; watching on the deepest bridge crosses every relay hop.
/// </summary>
public sealed class LocalFleet : IAsyncDisposable
{
    /// <summary>Conference created on every bridge.</summary>
    public const string Conference = "demo";

    private readonly List<(string Id, WebApplication App)> _bridges;

    private LocalFleet(List<(string Id, WebApplication App)> bridges, RelayTree tree)
    {
        _bridges = bridges;
        Tree = tree;
    }

    /// <summary>The relay tree the bridges form.</summary>
    public RelayTree Tree { get; }

    /// <summary>Bridge ids with their control API / demo page URL.</summary>
    public IEnumerable<(string Id, Uri Api)> Bridges => _bridges.Select(b => (b.Id, ApiOf(b.App)));

    /// <summary>The service provider of one bridge.</summary>
    public IServiceProvider Services(string id) => _bridges.First(b => b.Id == id).App.Services;

    /// <summary>
    /// Starts <paramref name="count"/> bridges: "core" on <paramref name="apiPort"/>/<paramref name="mediaPort"/>,
    /// "relay1".. on the following ports (0: any free port), fan-out 2 so a few bridges already make two hops.
    /// </summary>
    public static async Task<LocalFleet> StartAsync(int count, int apiPort, int mediaPort, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var ids = Enumerable.Range(0, count).Select(i => i == 0 ? "core" : $"relay{i}").ToList();
        var bridges = new List<(string, WebApplication)>();
        for (var i = 0; i < count; i++)
        {
            var index = i;
            var app = BridgeHost.Build([], o =>
            {
                o.BridgeId = ids[index];
                o.ApiUrl = $"http://127.0.0.1:{(apiPort == 0 ? 0 : apiPort + index)}";
                o.MediaPort = mediaPort == 0 ? 0 : mediaPort + index;
                o.LoopbackOnly = true;
            });
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            app.Services.GetRequiredService<ConferenceManager>().GetOrCreateConference(Conference);
            bridges.Add((ids[index], app));
        }

        var tree = TreePlanner.Plan([ids[0]], ids[1..], TreePlanner.MinFanOut);
        var fleet = new LocalFleet(bridges, tree);
        var linkId = 1u;
        foreach (var id in tree.Bridges)
        {
            if (tree.ParentOf(id) is { } parent)
            {
                fleet.Link(linkId++, parent, id);
            }
        }
        return fleet;
    }

    /// <summary>Relay hops between the core and a bridge.</summary>
    public int HopsTo(string id) => Tree.DepthOf(id);

    /// <summary>Runs until every bridge has shut down (Ctrl-C / SIGTERM stops them all).</summary>
    public Task WaitForShutdownAsync() => Task.WhenAll(_bridges.Select(b => b.App.WaitForShutdownAsync()));

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var (_, app) in _bridges)
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Link(uint id, string parent, string child)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var parentServices = Services(parent);
        var childServices = Services(child);
        var parentMedia = new IPEndPoint(IPAddress.Loopback, parentServices.GetRequiredService<MediaSocket>().LocalPort);
        var childMedia = new IPEndPoint(IPAddress.Loopback, childServices.GetRequiredService<MediaSocket>().LocalPort);
        parentServices.GetRequiredService<RelayManager>().TryCreate(id, child, childMedia, key, RelayPeerRole.Child, out _, out _);
        childServices.GetRequiredService<RelayManager>().TryCreate(id, parent, parentMedia, key, RelayPeerRole.Parent, out _, out _);
    }

    private static Uri ApiOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}
