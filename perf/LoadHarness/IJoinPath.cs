using System.Net;

namespace LoadHarness;

/// <summary>Where a joining publisher or viewer was placed and what it needs for ICE and DTLS.</summary>
public sealed record JoinTicket(int Bridge, IPEndPoint Media, string IceUfrag, string IcePassword, string Fingerprint);

/// <summary>
/// How a publisher or viewer gets its endpoint: the seam between the harness and the control plane.
/// <see cref="ControlApiJoinPath"/> creates endpoints directly on the bridges' control API; a signaling
/// implementation (<see cref="SignalingJoinPath"/>: a WebSocket join at main, redirected to a visitor node, which picks
/// the bridge) plugs in here.
/// </summary>
public interface IJoinPath : IAsyncDisposable
{
    /// <summary>Readies the fleet before the first join (the control API path creates the conference on every bridge).</summary>
    Task PrepareAsync(CancellationToken token);

    /// <summary>
    /// Places participant <paramref name="id"/> (<paramref name="publisher"/> on the core, viewers on the visitor
    /// bridges; <paramref name="ordinal"/> is its 0-based number among its kind), hands the bridge
    /// <paramref name="offer"/> and answers the bridge's ICE and DTLS parameters.
    /// </summary>
    Task<JoinTicket> JoinAsync(string id, bool publisher, int ordinal, string offer, CancellationToken token);

    /// <summary>This path's own figures as a Markdown section for the report, or null when it has none.</summary>
    string? ReportMarkdown();
}

/// <summary>Joins through the bridges' control API: publishers on the core, viewers round-robin over the viewer bridges.</summary>
public sealed class ControlApiJoinPath(Fleet fleet, string conference) : IJoinPath
{
    /// <inheritdoc/>
    public async Task PrepareAsync(CancellationToken token)
    {
        foreach (var bridge in fleet.Bridges)
        {
            await bridge.CreateConferenceAsync(conference, token);
        }
    }

    /// <inheritdoc/>
    public string? ReportMarkdown() => null;

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public async Task<JoinTicket> JoinAsync(string id, bool publisher, int ordinal, string offer, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        var viewerBridges = fleet.ViewerBridges;
        var api = publisher ? fleet.Bridges[0] : viewerBridges[ordinal % viewerBridges.Count];
        var info = await api.CreateEndpointAsync(conference, id, publisher, offer, token);
        var candidate = info.Candidates.FirstOrDefault(c => c.Protocol == "udp")
            ?? throw new InvalidOperationException($"endpoint {id}: the bridge offered no UDP candidate");
        var bridgeIndex = publisher ? 0 : IndexOf(fleet, api);
        return new JoinTicket(bridgeIndex, new IPEndPoint(IPAddress.Parse(candidate.Ip), candidate.Port), info.IceUfrag, info.IcePwd, info.Fingerprint);
    }

    private static int IndexOf(Fleet fleet, BridgeApi api)
    {
        for (var i = 0; i < fleet.Bridges.Count; i++)
        {
            if (ReferenceEquals(fleet.Bridges[i], api))
            {
                return i;
            }
        }
        return -1;
    }
}
