using System.Security.Cryptography;
using System.Text;
using Bridge.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bridge.Api;

/// <summary>Bearer-secret check shared by the control API's route groups.</summary>
internal static class ApiAuth
{
    /// <summary>Endpoint filter: 401 unless the request carries "Authorization: Bearer &lt;Bridge:ApiSecret&gt;" (when a secret is set).</summary>
    internal static async ValueTask<object?> RequireSecret(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var secret = context.HttpContext.RequestServices.GetRequiredService<IOptions<BridgeOptions>>().Value.ApiSecret;
        if (secret is not null)
        {
            var header = context.HttpContext.Request.Headers.Authorization.ToString();
            var expected = Encoding.UTF8.GetBytes("Bearer " + secret);
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header), expected))
            {
                return Results.Json(new ApiError("missing or wrong bearer token"), statusCode: StatusCodes.Status401Unauthorized);
            }
        }
        return await next(context).ConfigureAwait(false);
    }
}
