using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Security.Cryptography;
using Bridge.Api;
using Bridge.Hosting;
using BridgeRelay.Tree;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LoadHarness;

/// <summary>
/// The bridges under load: the core (publishers) first, then the visitor bridges that hold the viewers. Either
/// started here (<see cref="StartAsync"/>: real bridges in one process, linked into a relay tree through their
/// control APIs as a control plane would) or attached to (<see cref="Attach"/>).
/// </summary>
public sealed class Fleet : IAsyncDisposable
{
    /// <summary>Name prefix of the bridges' receive threads, which carry the whole forward path.</summary>
    public const string ForwardThreadName = "media-receive";

    private readonly List<WebApplication> _apps;
    private readonly IAsyncDisposable? _owned;

    private Fleet(List<BridgeApi> bridges, List<WebApplication> apps, int? pid, string shape, IReadOnlyList<int>? mediaPorts = null, IAsyncDisposable? owned = null)
    {
        Bridges = bridges;
        _apps = apps;
        Pid = pid;
        Shape = shape;
        MediaPorts = mediaPorts ?? [];
        _owned = owned;
    }

    /// <summary>Media ports of <see cref="Bridges"/> in the same order, when known (signaling: which bridge an answer names).</summary>
    public IReadOnlyList<int> MediaPorts { get; }

    /// <summary>Every bridge; the first is the core.</summary>
    public IReadOnlyList<BridgeApi> Bridges { get; }

    /// <summary>The bridges viewers join: every visitor bridge, or the core when it is alone.</summary>
    public IReadOnlyList<BridgeApi> ViewerBridges => Bridges.Count == 1 ? Bridges : Bridges.Skip(1).ToList();

    /// <summary>The process the bridges run in, when known (CPU and memory figures).</summary>
    public int? Pid { get; }

    /// <summary>Whether the bridges share this process with the viewers.</summary>
    public bool InProcess => _apps.Count > 0 || _owned is not null;

    /// <summary>The relay tree, e.g. "core -> [relay1, relay2]".</summary>
    public string Shape { get; }

    /// <summary>
    /// Starts <paramref name="count"/> bridges on loopback (warnings-only logs, loopback-only ICE) and links them
    /// into the relay tree <see cref="TreePlanner"/> plans for <paramref name="fanOut"/>; waits until every link is up.
    /// </summary>
    public static async Task<Fleet> StartAsync(int count, int fanOut, CancellationToken token)
    {
        var ids = Enumerable.Range(0, count).Select(i => i == 0 ? "core" : $"visitor{i}").ToList();
        var apps = new List<WebApplication>();
        var apis = new List<BridgeApi>();
        var media = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            foreach (var id in ids)
            {
                var app = BridgeHost.Build(["--Logging:LogLevel:Default=Warning"], o =>
                {
                    o.BridgeId = id;
                    o.MediaPort = 0;
                    o.ApiUrl = "http://127.0.0.1:0";
                    o.LoopbackOnly = true;
                    // Several bridges share this process: its CPU share says nothing about one of them.
                    o.StressIncludesCpu = false;
                    o.ConnectTimeoutSeconds = 60;
                });
                await app.StartAsync(token);
                apps.Add(app);
                var api = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
                apis.Add(new BridgeApi(id, new Uri(api), secret: null));
                media[id] = app.Services.GetRequiredService<Bridge.Transport.MediaSocket>().LocalPort;
            }
            var shape = "core";
            if (count > 1)
            {
                var tree = TreePlanner.Plan([ids[0]], ids[1..], fanOut);
                uint link = 1;
                foreach (var id in tree.Bridges)
                {
                    if (tree.ParentOf(id) is { } parent)
                    {
                        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
                        await apis[ids.IndexOf(parent)].CreateRelayAsync(new CreateRelayRequest(link, id, "127.0.0.1", media[id], key, "child"), token);
                        await apis[ids.IndexOf(id)].CreateRelayAsync(new CreateRelayRequest(link, parent, "127.0.0.1", media[parent], key, "parent"), token);
                        link++;
                    }
                }
                shape = string.Join("; ", tree.Bridges.Where(b => tree.ChildrenOf(b).Count > 0).Select(b => $"{b} -> {string.Join(", ", tree.ChildrenOf(b))}"));
                await WaitForLinksAsync(apis, token);
            }
            return new Fleet(apis, apps, Environment.ProcessId, shape);
        }
        catch
        {
            await new Fleet(apis, apps, null, "").DisposeAsync();
            throw;
        }
    }

    /// <summary>A fleet someone else runs: control API URLs, core first.</summary>
    public static Fleet Attach(IReadOnlyList<Uri> urls, string? secret, int? pid)
    {
        ArgumentNullException.ThrowIfNull(urls);
        var apis = urls.Select((u, i) => new BridgeApi(i == 0 ? "core" : $"visitor{i}", u, secret)).ToList();
        return new Fleet(apis, [], pid, $"attached: {string.Join(", ", urls)}");
    }

    /// <summary>
    /// The bridges registered with the main signaling node at <paramref name="main"/> (<c>GET /bridges</c>: control API and
    /// media port of each). <paramref name="secret"/> is the bearer of both main's bridge routes and the bridges' APIs;
    /// <paramref name="owned"/> (an in-process fleet) is stopped with this one.
    /// </summary>
    public static async Task<Fleet> AttachSignalingAsync(Uri main, string? secret, int? pid, CancellationToken token, IAsyncDisposable? owned = null)
    {
        ArgumentNullException.ThrowIfNull(main);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = main, Timeout = TimeSpan.FromSeconds(20) };
        if (secret is not null)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        }
        var registered = await http.GetFromJsonAsync<List<RegisteredBridge>>(new Uri("/bridges", UriKind.Relative), new JsonSerializerOptions(JsonSerializerDefaults.Web), token)
            ?? throw new InvalidOperationException($"{main}bridges answered null");
        var alive = registered.Where(b => b.State == "alive" && b.BridgeId is not null && Uri.TryCreate(b.ApiUrl, UriKind.Absolute, out _))
            .OrderBy(b => b.BridgeId, StringComparer.Ordinal).ToList();
        if (alive.Count == 0)
        {
            throw new InvalidOperationException($"no alive bridge is registered with the signaling node at {main}");
        }
        var apis = alive.Select(b => new BridgeApi(b.BridgeId!, new Uri(b.ApiUrl!), secret)).ToList();
        var shape = $"signaling main {main.ToString().TrimEnd('/')}, bridges {string.Join(", ", alive.Select(b => b.BridgeId))} (main grows the room's relay tree)";
        return new Fleet(apis, [], pid, shape, alive.Select(b => b.MediaPort).ToList(), owned);
    }

    /// <summary>Index in <see cref="Bridges"/> of the bridge whose media port is <paramref name="port"/>, or -1.</summary>
    public int IndexOfMediaPort(int port)
    {
        for (var i = 0; i < MediaPorts.Count; i++)
        {
            if (MediaPorts[i] == port)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>CPU seconds of the bridges so far: their process when it is not this one, else their receive threads; null when unknown.</summary>
    public double? CpuSeconds() =>
        Pid is not { } pid ? null
        : InProcess ? ProcStat.ThreadCpuSeconds(pid, ForwardThreadName)
        : ProcStat.ProcessCpuSeconds(pid);

    /// <summary>CPU seconds of the forward-path threads, when the bridges' process is known.</summary>
    public double? ForwardThreadCpuSeconds() => Pid is { } pid ? ProcStat.ThreadCpuSeconds(pid, ForwardThreadName) : null;

    /// <summary>Resident memory of the bridges' process (this one when in process), when known.</summary>
    public long? RssBytes() => Pid is { } pid ? ProcStat.RssBytes(pid) : null;

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var api in Bridges)
        {
            api.Dispose();
        }
        foreach (var app in _apps)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await app.StopAsync(stop.Token);
            await app.DisposeAsync();
        }
        if (_owned is not null)
        {
            await _owned.DisposeAsync();
        }
    }

    /// <summary>One entry of main's <c>GET /bridges</c>, the fields the harness uses.</summary>
    private sealed record RegisteredBridge(string? BridgeId, string? State, string? ApiUrl, int MediaPort);

    private static async Task WaitForLinksAsync(List<BridgeApi> apis, CancellationToken token)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            var down = 0;
            foreach (var api in apis)
            {
                down += (await api.GetRelaysAsync(token)).Count(r => r.State != "up");
            }
            if (down == 0)
            {
                return;
            }
            await Task.Delay(100, token);
        }
        throw new TimeoutException("relay links did not come up within 20 s");
    }
}
