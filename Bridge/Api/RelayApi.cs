using System.Net;
using Bridge.Relay;
using BridgeRelay.Link;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bridge.Api;

/// <summary>Body of POST /relays: a link to a peer bridge, as the control plane planned it.</summary>
public sealed record CreateRelayRequest(uint Id, string? PeerId, string? Host, int Port, string? Key, string? PeerRole);

/// <summary>Body of PUT /relays/{id}/role.</summary>
public sealed record RelayRoleRequest(string? PeerRole);

/// <summary>A relay link as GET /relays reports it.</summary>
public sealed record RelayInfo(
    uint Id,
    string PeerId,
    string Address,
    string PeerRole,
    string State,
    double RttMs,
    long PacketsIn,
    long PacketsOut,
    long BytesIn,
    long BytesOut,
    long MediaPacketsOut,
    IReadOnlyDictionary<string, long> Dropped)
{
    /// <summary>Reports a link.</summary>
    public static RelayInfo From(RelayLink link)
    {
        ArgumentNullException.ThrowIfNull(link);
        var c = link.Counters;
        return new RelayInfo(
            link.Id,
            link.PeerId,
            link.PeerEndPoint.ToString(),
            link.PeerRole.ToString().ToLowerInvariant(),
            link.Health.State.ToString().ToLowerInvariant(),
            link.Health.SmoothedRtt.TotalMilliseconds,
            Volatile.Read(ref c.PacketsIn),
            Volatile.Read(ref c.PacketsOut),
            Volatile.Read(ref c.BytesIn),
            Volatile.Read(ref c.BytesOut),
            Volatile.Read(ref link.MediaPacketsOut),
            Enum.GetValues<RelayDropReason>().ToDictionary(r => r.ToString().ToLowerInvariant(), c.DroppedBy));
    }
}

/// <summary>Relay operations of the control API (docs/bridge-control-api.md): create, re-role, remove and list links.</summary>
public static class RelayApi
{
    private const int KeyLength = 32;

    /// <summary>Maps the routes under /relays.</summary>
    public static void MapRelayApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/relays").AddEndpointFilter(ApiAuth.RequireSecret);

        api.MapGet("", (RelayManager relays) => Results.Ok(relays.Links.Select(RelayInfo.From)));

        api.MapGet("/{id}", (uint id, RelayManager relays) =>
            relays.Find(id) is { } link ? Results.Ok(RelayInfo.From(link)) : Results.NotFound(new ApiError($"no relay link {id}")));

        api.MapPost("", (CreateRelayRequest? body, RelayManager relays) =>
        {
            if (body is null)
            {
                return Bad("body must be {\"id\",\"peerId\",\"host\",\"port\",\"key\",\"peerRole\"}");
            }
            if (body.Id == 0)
            {
                return Bad("id must be a non-zero 32-bit number");
            }
            if (string.IsNullOrEmpty(body.PeerId) || body.PeerId.Length > 64)
            {
                return Bad("peerId must be 1..64 characters");
            }
            if (body.PeerId == relays.BridgeId)
            {
                return Bad($"peerId must differ from this bridge's id '{relays.BridgeId}'");
            }
            if (body.PeerId.Contains('>', StringComparison.Ordinal))
            {
                return Bad("peerId must not contain '>'");
            }
            if (!IPAddress.TryParse(body.Host, out var host) || body.Port is <= 0 or > 65535)
            {
                return Bad($"host must be an IP address and port 1..65535, got '{body.Host}':{body.Port}");
            }
            if (!TryDecodeKey(body.Key, out var key))
            {
                return Bad($"key must be {KeyLength} bytes in base64");
            }
            if (!TryParseRole(body.PeerRole, out var role))
            {
                return Bad($"peerRole must be 'parent', 'child' or 'mesh', got '{body.PeerRole}'");
            }
            return relays.TryCreate(body.Id, body.PeerId, new IPEndPoint(host, body.Port), key, role, out var link, out var error)
                ? Results.Created($"/relays/{body.Id}", RelayInfo.From(link!))
                : Results.Conflict(new ApiError(error!));
        });

        api.MapPut("/{id}/role", (uint id, RelayRoleRequest? body, RelayManager relays) =>
        {
            if (!TryParseRole(body?.PeerRole, out var role))
            {
                return Bad($"peerRole must be 'parent', 'child' or 'mesh', got '{body?.PeerRole}'");
            }
            return relays.TrySetRole(id, role) ? Results.Ok(RelayInfo.From(relays.Find(id)!)) : Results.NotFound(new ApiError($"no relay link {id}"));
        });

        api.MapDelete("/{id}", (uint id, RelayManager relays) =>
            relays.Remove(id) ? Results.NoContent() : Results.NotFound(new ApiError($"no relay link {id}")));
    }

    private static IResult Bad(string message) => Results.BadRequest(new ApiError(message));

    private static bool TryDecodeKey(string? value, out byte[] key)
    {
        key = new byte[KeyLength];
        return value is not null && Convert.TryFromBase64String(value, key, out var written) && written == KeyLength;
    }

    private static bool TryParseRole(string? value, out RelayPeerRole role)
    {
        role = value switch { "child" => RelayPeerRole.Child, "mesh" => RelayPeerRole.Mesh, _ => RelayPeerRole.Parent };
        return value is "parent" or "child" or "mesh";
    }
}
