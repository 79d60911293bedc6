using Prometheus;
using Signaling.Assignment;

namespace Signaling.Tenants;

/// <summary>What a join may do in its tenant: refused (<see cref="Refusal"/>), or admitted with the token's grant (null for an open tenant).</summary>
/// <param name="Grant">The valid token's grant; null when the tenant needs no token.</param>
/// <param name="Refusal">Why the join is refused, for the person (sent with <c>forbidden</c>); null when admitted.</param>
public readonly record struct TenantCheck(TokenGrant? Grant, string? Refusal);

/// <summary>
/// The tenants' join rules on one node (main and visitor nodes hold the same configuration, so a visitor node checks the
/// token the redirected client sends again): which tenants need a token, the token check, and the refusal count by reason.
/// </summary>
public sealed class TenantAccess
{
    private readonly Dictionary<string, string> _secrets;
    private readonly TokenValidator _validator;
    private readonly Counter _refusals;
    private readonly Gauge _active;
    private Func<IEnumerable<RoomName>>? _roomsInUse;

    /// <summary>Rules from <paramref name="tenants"/> (the validated <c>Signaling:Tenants</c>), tokens checked against <paramref name="time"/>, refusals counted in <paramref name="registry"/>.</summary>
    public TenantAccess(IReadOnlyDictionary<string, TenantOptions> tenants, TimeProvider time, CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        _secrets = tenants.Where(t => t.Value.JwtSecret is not null).ToDictionary(t => t.Key, t => t.Value.JwtSecret!, StringComparer.Ordinal);
        _validator = new TokenValidator(time);
        _refusals = Prometheus.Metrics.WithCustomRegistry(registry).CreateCounter(
            "signaling_token_refusals_total", "Joins refused for their token, by reason (missing, expired, signature, room, invalid).", "reason");
        _active = Prometheus.Metrics.WithCustomRegistry(registry).CreateGauge("signaling_tenants_active", "Tenants with at least one room in use on this node.");
        registry.AddBeforeCollectCallback(() =>
        {
            if (_roomsInUse is { } rooms)
            {
                _active.Set(rooms().Select(r => r.Tenant).Distinct(StringComparer.Ordinal).Count());
            }
        });
    }

    /// <summary>Reads the node's rooms in use at scrape time, for <c>signaling_tenants_active</c>.</summary>
    public void Attach(Func<IEnumerable<RoomName>> roomsInUse) => _roomsInUse = roomsInUse;

    /// <summary>True when joining a room of <paramref name="tenant"/> needs a valid token.</summary>
    public bool IsSecured(string tenant) => _secrets.ContainsKey(tenant);

    /// <summary>Checks <paramref name="token"/> (null when the client sent none) for a join of <paramref name="room"/>; never throws for any token text.</summary>
    public async Task<TenantCheck> CheckAsync(RoomName room, string? token)
    {
        ArgumentNullException.ThrowIfNull(room);
        if (!_secrets.TryGetValue(room.Tenant, out var secret))
        {
            return new TenantCheck(null, null);
        }

        var (grant, error) = await _validator.ValidateAsync(token, secret, room).ConfigureAwait(false);
        if (error is not null)
        {
            _refusals.WithLabels(ReasonOf(token, error)).Inc();
            return new TenantCheck(null, error);
        }

        return new TenantCheck(grant, null);
    }

    /// <summary>Sets each tenant's admission limits as its layer of <paramref name="policies"/>.</summary>
    public static void ApplyPolicies(IReadOnlyDictionary<string, TenantOptions> tenants, RoomPolicies policies)
    {
        ArgumentNullException.ThrowIfNull(tenants);
        ArgumentNullException.ThrowIfNull(policies);
        foreach (var (tenant, options) in tenants)
        {
            policies.SetTenant(tenant, new RoomPolicyOverride { MaxParticipants = options.MaxParticipants, VisitorsEnabled = options.VisitorsEnabled });
        }
    }

    // A closed label set for the metric; the validator's messages are for people, so they are sorted here by what they say.
    private static string ReasonOf(string? token, string error) =>
        string.IsNullOrEmpty(token) ? "missing"
        : error.Contains("expired", StringComparison.Ordinal) ? "expired"
        : error.Contains("signature", StringComparison.Ordinal) ? "signature"
        : error.Contains("is not for", StringComparison.Ordinal) ? "room"
        : "invalid";
}
