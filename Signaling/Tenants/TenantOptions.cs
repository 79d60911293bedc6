namespace Signaling.Tenants;

/// <summary>One tenant's settings, bound from <c>Signaling:Tenants:&lt;tenant&gt;</c>; every unset field inherits the node-wide value.</summary>
public sealed class TenantOptions
{
    /// <summary>HS256 secret (at least 32 bytes of UTF-8) of the tenant's join tokens. Null: an open tenant, joined without a token.</summary>
    public string? JwtSecret { get; set; }

    /// <summary>Main participants per room of this tenant before joiners become visitors (0..10000; 0: everyone watches). Null: <c>Signaling:MaxParticipants</c>.</summary>
    public int? MaxParticipants { get; set; }

    /// <summary>Whether the tenant's rooms admit visitors. Null: <c>Signaling:VisitorsEnabled</c>.</summary>
    public bool? VisitorsEnabled { get; set; }

    /// <summary>Whether the tenant's rooms wait for a moderator's Go live before admitting visitors. Null: <c>Signaling:LiveRoom</c>.</summary>
    public bool? LiveRoom { get; set; }

    /// <summary>Visitors a room of this tenant may promote (0..10000). Null: <c>Signaling:MaxPromoted</c>.</summary>
    public int? MaxPromoted { get; set; }

    /// <summary>Token subjects (<c>sub</c>) of this tenant promoted as soon as they raise a hand (added to <c>Signaling:AutoPromote</c>). Null: none.</summary>
    public List<string>? AutoPromote { get; set; }
}
