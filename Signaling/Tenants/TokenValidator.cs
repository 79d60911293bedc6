using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Signaling.Assignment;

namespace Signaling.Tenants;

/// <summary>What a valid token grants its holder in the room it names.</summary>
/// <param name="Moderator">The <c>moderator</c> claim (or Jitsi's <c>context.user.moderator</c>) is true.</param>
/// <param name="Subject">The <c>sub</c> claim, when present (a stable user id for auto-promotion lists).</param>
/// <param name="Name">The user's name from the token (<c>name</c> or <c>context.user.name</c>), when present and valid as a display name; it replaces the name the join message typed.</param>
public sealed record TokenGrant(bool Moderator, string? Subject, string? Name);

/// <summary>
/// Validates a tenant's HS256 JSON Web Tokens: signature with the tenant's secret, <c>exp</c> required (and <c>nbf</c>
/// honoured) against an injected clock with 30 s skew, and a <c>room</c> claim that names the room being joined
/// (<c>*</c>, the room part, or the whole <c>tenant/room</c>), plus a <c>tenant</c> claim when given. Never throws for
/// any token text: a refusal comes back as a message for the person.
/// </summary>
public sealed class TokenValidator
{
    /// <summary>Shortest accepted secret, in bytes of UTF-8: HS256 keys must have at least 256 bits.</summary>
    public const int MinSecretBytes = 32;

    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TimeProvider _time;

    /// <summary>Validates against <paramref name="time"/>'s clock.</summary>
    public TokenValidator(TimeProvider time) => _time = time;

    /// <summary>
    /// True with the grant when <paramref name="token"/> is a valid HS256 token signed with <paramref name="secret"/> for
    /// <paramref name="room"/>; false with a message naming what is wrong (signature, expiry, room) otherwise.
    /// </summary>
    public async Task<(TokenGrant? Grant, string? Error)> ValidateAsync(string? token, string secret, RoomName room)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(room);
        if (string.IsNullOrEmpty(token))
        {
            return (null, "this room needs a token");
        }

        var now = _time.GetUtcNow().UtcDateTime;
        var parameters = new TokenValidationParameters
        {
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = false,
            ValidateAudience = false,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            // Our clock, not the machine's, so expiry is testable and consistent with the rest of the node.
            LifetimeValidator = (notBefore, expires, _, _) =>
                expires is { } exp && now <= exp + Skew && (notBefore is not { } nbf || now >= nbf - Skew),
        };

        TokenValidationResult result;
        try
        {
            result = await _handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException or JsonException)
        {
            return (null, "the token is not a valid JSON Web Token");
        }

        if (!result.IsValid)
        {
            return (null, result.Exception switch
            {
                SecurityTokenInvalidLifetimeException or SecurityTokenExpiredException or SecurityTokenNoExpirationException => "the token has expired or is not valid yet",
                SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature is not valid for this tenant",
                SecurityTokenInvalidAlgorithmException => "the token must be signed with HS256",
                _ => "the token is not valid",
            });
        }

        var claims = result.ClaimsIdentity;
        var roomClaim = claims.FindFirst("room")?.Value;
        if (roomClaim is null || (roomClaim != "*" && roomClaim != room.Room && roomClaim != room.ToString()))
        {
            return (null, $"the token is not for room {room}");
        }

        if (claims.FindFirst("tenant")?.Value is { } tenant && tenant != room.Tenant)
        {
            return (null, $"the token is not for tenant {room.Tenant}");
        }

        var user = UserContext(claims);
        var moderator = IsTrue(claims.FindFirst("moderator")) || (user is { } u && u.TryGetProperty("moderator", out var m) && (m.ValueKind == JsonValueKind.True || (m.ValueKind == JsonValueKind.String && m.GetString() == "true")));
        var name = (claims.FindFirst("name")?.Value ?? (user is { } v && v.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null))?.Trim();
        // A name the join message could not carry (too long, control characters) is ignored, not refused: the typed one stays.
        if (name is not null && !Protocol.TextRules.IsClean(name, Protocol.ProtocolLimits.MaxNameLength))
        {
            name = null;
        }
        return (new TokenGrant(moderator, claims.FindFirst("sub")?.Value, name), null);
    }

    private static bool IsTrue(Claim? claim) => claim is not null && bool.TryParse(claim.Value, out var value) && value;

    // Jitsi's token layout: {"context": {"user": {"name": ..., "moderator": true}}}.
    private static JsonElement? UserContext(ClaimsIdentity claims)
    {
        if (claims.FindFirst("context")?.Value is not { } context)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(context);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object
                ? user.Clone()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
