using System.Net;
using System.Net.Sockets;
using Bridge.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Signaling.Bridges;
using Signaling.Federation;
using Signaling.Hosting;

namespace Fleet;

/// <summary>
/// The README's run command and the end-to-end tests' fleet, in one process on loopback: a main signaling node, visitor
/// nodes federated with it (one in-process bus, or Redis), and bridges that register with main; rooms' relay trees grow
/// over the visitor bridges as visitors arrive.
/// </summary>
public sealed class LocalSignalingFleet : IAsyncDisposable
{
    private readonly List<(string Id, WebApplication App)> _bridges = [];
    private readonly List<(string Id, WebApplication App)> _nodes = [];
    private InProcessFederationBus? _sharedBus;
    private WebApplication? _main;

    private LocalSignalingFleet(FleetOptions options) => Options = options;

    /// <summary>What the fleet runs.</summary>
    public FleetOptions Options { get; }

    /// <summary>The main node's base URL (the web client's address).</summary>
    public Uri MainUrl { get; private set; } = null!;

    /// <summary>The main node's services.</summary>
    public IServiceProvider MainServices => _main!.Services;

    /// <summary>Visitor node ids with their base URLs.</summary>
    public IReadOnlyList<(string Id, Uri Url)> Nodes => [.. _nodes.Select(n => (n.Id, AddressOf(n.App)))];

    /// <summary>Bridge ids with their control-API URLs, core first.</summary>
    public IReadOnlyList<(string Id, Uri Api)> Bridges => [.. _bridges.Select(b => (b.Id, AddressOf(b.App)))];

    /// <summary>A visitor node's services.</summary>
    public IServiceProvider NodeServices(string id) => _nodes.First(n => n.Id == id).App.Services;

    /// <summary>A bridge's services.</summary>
    public IServiceProvider BridgeServices(string id) => _bridges.First(b => b.Id == id).App.Services;

    /// <summary>Starts the fleet and returns once every bridge is registered with main.</summary>
    public static async Task<LocalSignalingFleet> StartAsync(FleetOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Bridges, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Bridges, 16);
        ArgumentOutOfRangeException.ThrowIfNegative(options.VisitorNodes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.VisitorNodes, 16);
        var fleet = new LocalSignalingFleet(options);
        try
        {
            await fleet.StartAllAsync(cancellationToken).ConfigureAwait(false);
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops one bridge abruptly (as a crash would look to the others): its sockets close and it stops reporting.</summary>
    public async Task KillBridgeAsync(string id)
    {
        var index = _bridges.FindIndex(b => b.Id == id);
        var app = _bridges[index].App;
        _bridges.RemoveAt(index);
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Runs until Ctrl-C / SIGTERM stops the main node.</summary>
    public Task WaitForShutdownAsync() => _main!.WaitForShutdownAsync();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // The reverse of start-up: bridges first, so none reports to a signaling node that is already gone (one warning per
        // bridge on every Ctrl-C), then the visitor nodes, then main.
        foreach (var app in _bridges.Select(b => b.App).Concat(_nodes.Select(n => n.App)).Append(_main).OfType<WebApplication>())
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        _nodes.Clear();
        _bridges.Clear();
        _main = null;
        if (_sharedBus is not null)
        {
            await _sharedBus.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task StartAllAsync(CancellationToken cancel)
    {
        var o = Options;
        var signalingPorts = o.SignalingPort == 0 ? FreeTcpPorts(o.VisitorNodes + 1) : [.. Enumerable.Range(o.SignalingPort, o.VisitorNodes + 1)];
        var mainUrl = $"http://127.0.0.1:{signalingPorts[0]}";
        var nodeIds = Enumerable.Range(1, o.VisitorNodes).Select(i => $"v{i}").ToList();
        _sharedBus = o.Redis is null ? new InProcessFederationBus() : null;

        _main = SignalingHost.Build([], s =>
        {
            Common(s);
            s.Url = mainUrl;
            s.VisitorNodes = [.. nodeIds.Select((id, i) => new VisitorNodeEntry { Id = id, Url = $"http://127.0.0.1:{signalingPorts[i + 1]}" })];
        }, bus: _sharedBus);
        await _main.StartAsync(cancel).ConfigureAwait(false);
        MainUrl = AddressOf(_main);

        for (var i = 0; i < nodeIds.Count; i++)
        {
            var index = i;
            var node = SignalingHost.Build([], s =>
            {
                Common(s);
                s.Role = SignalingOptions.VisitorRole;
                s.NodeId = nodeIds[index];
                s.Url = $"http://127.0.0.1:{signalingPorts[index + 1]}";
                s.MainUrl = mainUrl;
                s.Redis = o.NodeRedis.TryGetValue(nodeIds[index], out var own) ? own : o.Redis;
            }, bus: _sharedBus);
            await node.StartAsync(cancel).ConfigureAwait(false);
            _nodes.Add((nodeIds[index], node));
        }

        for (var i = 0; i < o.Bridges; i++)
        {
            var index = i;
            var bridge = BridgeHost.Build([], b =>
            {
                b.BridgeId = index == 0 ? "core" : $"vb{index}";
                b.ApiUrl = $"http://127.0.0.1:{(o.BridgeApiPort == 0 ? 0 : o.BridgeApiPort + index)}";
                b.MediaPort = o.MediaPort == 0 ? 0 : o.MediaPort + index;
                b.LoopbackOnly = true;
                b.SignalingUrl = mainUrl;
                b.ReportIntervalSeconds = 1;
                b.Region = "local";
                // Several bridges share this process's CPU; the packet rate alone says how loaded each one is.
                b.StressIncludesCpu = false;
            });
            await bridge.StartAsync(cancel).ConfigureAwait(false);
            _bridges.Add((index == 0 ? "core" : $"vb{index}", bridge));
        }

        await WaitForRegistrationsAsync(cancel).ConfigureAwait(false);

        void Common(SignalingOptions s)
        {
            s.ReportIntervalSeconds = 1;
            s.MaxParticipants = o.MaxParticipants;
            s.MaxVisitorsPerNode = o.MaxVisitorsPerNode;
            s.RelayFanOut = o.RelayFanOut;
            s.EndpointPacketsPerSecond = o.EndpointPacketsPerSecond;
            s.IdleBranchSeconds = o.IdleBranchSeconds;
            s.Redis = o.Redis;
            s.Tenants = new(o.Tenants, StringComparer.Ordinal);
        }
    }

    private async Task WaitForRegistrationsAsync(CancellationToken cancel)
    {
        var registry = _main!.Services.GetRequiredService<BridgeRegistry>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        while (registry.List().Count(b => b.State == "alive") < _bridges.Count)
        {
            await Task.Delay(50, timeout.Token).ConfigureAwait(false);
        }
    }

    private static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    // Main must know its visitor nodes' URLs before they start; free ports are found by binding and releasing them.
    private static int[] FreeTcpPorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }
}
