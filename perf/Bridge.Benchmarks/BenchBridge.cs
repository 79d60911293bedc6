using System.Net;
using System.Net.Sockets;
using Bridge.Client;
using Bridge.Conferences;
using Bridge.Hosting;
using Bridge.Srtp;
using Bridge.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Bridge.Benchmarks;

/// <summary>
/// A real bridge for the packet-path benchmarks: one publisher and N receivers that did real ICE and DTLS with it,
/// then stopped reading (their decrypt threads would compete for the cores): their ports closed or held by sinks.
/// </summary>
internal sealed class BenchBridge : IAsyncDisposable
{
    private const string ConferenceId = "bench";

    private readonly List<Socket> _sinks = [];

    private BenchBridge(WebApplication app, Conference conference, SimulatedPeer publisher)
    {
        App = app;
        Conference = conference;
        PublisherPeer = publisher;
    }

    /// <summary>The bridge host.</summary>
    public WebApplication App { get; }

    /// <summary>The conference with the publisher and the receivers.</summary>
    public Conference Conference { get; }

    /// <summary>The publisher's simulated browser (still connected).</summary>
    public SimulatedPeer PublisherPeer { get; }

    /// <summary>The publisher's endpoint on the bridge.</summary>
    public Endpoint Publisher => Conference.Find("publisher") ?? throw new InvalidOperationException("publisher missing");

    /// <summary>Starts the bridge with <paramref name="configure"/> applied, connects the peers, then parks the receivers.</summary>
    public static async Task<BenchBridge> StartAsync(SrtpProfile profile, int receivers, ReceiverPorts ports, Action<BridgeOptions> configure)
    {
        // Warnings only: hundreds of "endpoint created/secure" lines would drown BenchmarkDotNet's output.
        var app = BridgeHost.Build(["--Logging:LogLevel:Default=Warning"], o =>
        {
            o.MediaPort = 0;
            o.ApiUrl = "http://127.0.0.1:0";
            o.LoopbackOnly = true;
            // The receivers stop sending consent checks when their sockets close; keep them alive for the run.
            o.ConsentTimeoutSeconds = 300;
            o.ConnectTimeoutSeconds = 300;
            o.SrtpProfiles = [profile];
            configure(o);
        });
        await app.StartAsync();
        var conferences = app.Services.GetRequiredService<ConferenceManager>();
        var media = app.Services.GetRequiredService<MediaSocket>().LocalEndPoint;
        var conference = conferences.GetOrCreateConference(ConferenceId);

        var publisher = await ConnectAsync(conferences, conference, media, profile, "publisher", EndpointRole.Sender);
        var bench = new BenchBridge(app, conference, publisher);
        var peers = new List<SimulatedPeer>();
        // A few handshakes at a time: enough to overlap the round trips without starving 2 cores.
        for (var i = 0; i < receivers; i += 10)
        {
            peers.AddRange(await Task.WhenAll(Enumerable.Range(i, Math.Min(10, receivers - i)).Select(n =>
                ConnectAsync(conferences, conference, media, profile, $"receiver-{n}", EndpointRole.Receiver))));
        }
        if (!await SimulatedPeer.WaitUntilAsync(() => conference.Endpoints.All(e => e.State == EndpointState.Secure), TimeSpan.FromSeconds(60))
            || conference.Endpoints.Length != receivers + 1)
        {
            throw new InvalidOperationException($"not all endpoints secure: {string.Join(", ", conference.Endpoints.Select(e => $"{e.Id}={e.State}"))}");
        }
        // Sends to a closed loopback port do not error for unconnected UDP.
        // Abandoned, not disposed: a close_notify would make the bridge expire the endpoint at once.
        foreach (var peer in peers)
        {
            var port = peer.LocalEndPoint;
            peer.Abandon();
            if (ports == ReceiverPorts.Sink)
            {
                // UDP has no TIME_WAIT: the port is free again at once.
                var sink = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                bench._sinks.Add(sink);
                sink.Bind(port);
            }
        }
        return bench;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        PublisherPeer.Dispose();
        foreach (var sink in _sinks)
        {
            sink.Dispose();
        }
        await App.StopAsync();
        await App.DisposeAsync();
    }

    private static async Task<SimulatedPeer> ConnectAsync(ConferenceManager conferences, Conference conference, IPEndPoint media, SrtpProfile profile, string id, EndpointRole role)
    {
        var peer = new SimulatedPeer([profile]);
        var endpoint = conferences.CreateEndpoint(conference, id, role) ?? throw new InvalidOperationException($"endpoint {id} exists");
        if (!conferences.TryNegotiate(endpoint, peer.CreateOffer(publish: role == EndpointRole.Sender), out _, out var error))
        {
            throw new InvalidOperationException($"negotiation of {id} failed: {error}");
        }
        var certificate = conferences.Certificate;
        await peer.ConnectAsync(media, endpoint.LocalUfrag, endpoint.LocalPassword, $"{certificate.FingerprintAlgorithm} {certificate.Fingerprint}", TimeSpan.FromSeconds(30));
        return peer;
    }
}
