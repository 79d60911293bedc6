using BridgeRelay.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Signaling.Hosting;

namespace Signaling.Bridges;

/// <summary>The bridge registration routes of the main node: POST /bridges/{id} (register, then report) and GET /bridges.</summary>
public static partial class BridgeRoutes
{
    /// <summary>Maps the routes; when <paramref name="secret"/> is set both demand "Authorization: Bearer &lt;secret&gt;".</summary>
    public static void MapBridgeRoutes(this IEndpointRouteBuilder app, string? secret)
    {
        ArgumentNullException.ThrowIfNull(app);
        var group = app.MapGroup("/bridges").RequireBearer(secret);

        group.MapPost("/{id}", async (string id, HttpRequest request, BridgeRegistry registry, ILogger<BridgeRegistry> log) =>
        {
            var body = await ReadBodyAsync(request).ConfigureAwait(false);
            if (body is null)
            {
                return Results.BadRequest(new { error = $"body must be at most {BridgeReportParser.MaxBytes} bytes" });
            }

            if (!BridgeReportParser.TryParse(id, body, out var report, out var error) || report is null)
            {
                return Results.BadRequest(new { error });
            }

            if (!registry.Accept(report))
            {
                return Results.Ok(new { bridgeId = id, registered = false });
            }

            LogRegistered(log, id, report.Region, report.ApiUrl, report.CapacityPps);
            var expected = (int)registry.Selector.Options.ReportInterval.TotalSeconds;
            if (report.ReportIntervalSeconds != 0 && report.ReportIntervalSeconds != expected)
            {
                LogIntervalMismatch(log, id, report.ReportIntervalSeconds, expected, registry.Selector.Options.MissedReportsBeforeOut * Math.Max(expected, report.ReportIntervalSeconds));
            }
            return Results.Created($"/bridges/{id}", new { bridgeId = id, registered = true });
        });

        group.MapGet("", (BridgeRegistry registry) => Results.Ok(registry.List().Select(b => new
        {
            b.Report.BridgeId,
            b.State,
            b.Report.Region,
            b.Report.ApiUrl,
            b.Report.MediaHost,
            b.Report.MediaPort,
            b.Report.CapacityPps,
            b.CapacityEndpoints,
            b.Report.Stress,
            b.CorrectedStress,
            b.Report.PacketRatePps,
            b.Report.Endpoints,
            b.Report.Conferences,
            b.Report.Relays,
            b.Report.ReportIntervalSeconds,
            b.SecondsSinceReport,
        })));
    }

    // Reads at most MaxBytes + 1 so an oversized body is refused without buffering it whole; null when too long.
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > BridgeReportParser.MaxBytes)
            {
                return null;
            }
        }

        return buffer.ToArray();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "bridge {BridgeId} registered: region {Region}, api {ApiUrl}, capacity {CapacityPps} pps")]
    private static partial void LogRegistered(ILogger logger, string bridgeId, string region, string apiUrl, double capacityPps);

    [LoggerMessage(Level = LogLevel.Warning, Message = "bridge {BridgeId} reports every {BridgeSeconds} s but Signaling:ReportIntervalSeconds is {SignalingSeconds}: it counts as out after {OutSeconds} s of silence; set Bridge:ReportIntervalSeconds and Signaling:ReportIntervalSeconds alike")]
    private static partial void LogIntervalMismatch(ILogger logger, string bridgeId, int bridgeSeconds, int signalingSeconds, int outSeconds);
}
