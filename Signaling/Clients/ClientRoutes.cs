using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Signaling.Clients;

/// <summary>Maps the client WebSocket endpoint <c>/ws</c> (docs/signaling-protocol.md).</summary>
public static class ClientRoutes
{
    /// <summary>Serves <c>/ws</c>: one <see cref="ClientConnection"/> per WebSocket; a plain HTTP request gets 400.</summary>
    public static void MapClientSocket(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWebSockets();
        app.Map("/ws", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            var connection = new ClientConnection(socket, context.RequestServices.GetRequiredService<ClientHub>());
            var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            await connection.RunAsync(context.RequestAborted, stopping).ConfigureAwait(false);
        });
    }
}
