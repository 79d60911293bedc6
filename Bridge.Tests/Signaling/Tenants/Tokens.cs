using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bridge.Tests.Signaling.Tenants;

/// <summary>Real HS256 join tokens, signed with the JsonWebTokens library the way a tenant's portal would.</summary>
internal static class Tokens
{
    /// <summary>The secret the tests configure for their secured tenant (over 32 bytes).</summary>
    public const string Secret = "acme-secret-0123456789-0123456789-abcdef";

    /// <summary>A token for <paramref name="room"/>, issued at <paramref name="issued"/> (default now) and valid for <paramref name="lifetime"/> (default 1 h).</summary>
    public static string For(string room, bool moderator = false, string secret = Secret, DateTimeOffset? issued = null, TimeSpan? lifetime = null, string? name = null)
    {
        var at = issued ?? DateTimeOffset.UtcNow;
        var claims = new Dictionary<string, object> { ["room"] = room, ["moderator"] = moderator };
        if (name is not null)
        {
            claims["name"] = name;
        }
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = at.UtcDateTime,
            NotBefore = at.AddMinutes(-1).UtcDateTime,
            Expires = (at + (lifetime ?? TimeSpan.FromHours(1))).UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A <c>join</c> frame with <paramref name="token"/> (omitted when null).</summary>
    public static string Join(string room, string name, string? token, bool visitor = false) =>
        $$"""{"v":1,"type":"join","id":"j","room":"{{room}}","name":"{{name}}","visitor":{{(visitor ? "true" : "false")}}{{(token is null ? "" : $",\"token\":\"{token}\"")}}}""";
}
