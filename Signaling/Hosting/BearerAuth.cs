using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Signaling.Hosting;

/// <summary>Guards a route group with a shared bearer secret, compared in constant time.</summary>
internal static class BearerAuth
{
    /// <summary>When <paramref name="secret"/> is set, every route of <paramref name="group"/> demands "Authorization: Bearer &lt;secret&gt;" (else 401).</summary>
    public static RouteGroupBuilder RequireBearer(this RouteGroupBuilder group, string? secret)
    {
        if (secret is not null)
        {
            var expected = Encoding.UTF8.GetBytes("Bearer " + secret);
            group.AddEndpointFilter(async (context, next) =>
                CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(context.HttpContext.Request.Headers.Authorization.ToString()), expected)
                    ? await next(context).ConfigureAwait(false)
                    : Results.Json(new { error = "missing or wrong bearer token" }, statusCode: StatusCodes.Status401Unauthorized));
        }

        return group;
    }
}
