using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;
using Signaling.Assignment;
using Signaling.Bridges;
using Signaling.Clients;

namespace Signaling.Hosting;

/// <summary>Builds the main signaling node's HTTP host: /health, /metrics, the bridge registration routes and the client WebSocket /ws, with the sweep of silent bridges.</summary>
public static class SignalingHost
{
    /// <summary>
    /// Builds the host from command-line arguments and configuration ("Signaling:*" keys, environment variables Signaling__*);
    /// <paramref name="configure"/> overrides options and <paramref name="time"/> the clock (tests). Throws
    /// <see cref="OptionsValidationException"/> naming the bad key.
    /// </summary>
    public static WebApplication Build(string[] args, Action<SignalingOptions>? configure = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var options = new SignalingOptions();
        var section = builder.Configuration.GetSection(SignalingOptions.Section);
        var problems = BridgeRelay.Contracts.ConfigurationKeys.Unknown(SignalingOptions.Section, section.AsEnumerable().Select(p => p.Key), typeof(SignalingOptions))
            .Select(key => $"{key} is not a known key (see docs/configuration.md)").ToList();
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            // A value that does not convert ("Signaling:MaxParticipants=many"); the binder's one-line message names the key.
            problems.Add(ex.Message);
        }
        configure?.Invoke(options);
        var validation = new SignalingOptionsValidator().Validate(null, options);
        if (validation.Failed || problems.Count > 0)
        {
            throw new OptionsValidationException(SignalingOptions.Section, typeof(SignalingOptions), [.. problems, .. validation.Failures ?? []]);
        }

        builder.WebHost.UseUrls(options.Url);
        builder.Services.AddSystemd(); // under systemd: Type=notify readiness, journald-friendly logs; elsewhere a no-op
        // A report every few seconds per bridge would bury the registration and loss lines operators need.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var clock = time ?? TimeProvider.System;
        var services = builder.Services;
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(clock);
        services.AddSingleton(new BridgeSelector(clock, new BridgeSelectorOptions
        {
            ReportInterval = TimeSpan.FromSeconds(options.ReportIntervalSeconds),
            MissedReportsBeforeOut = options.MissedReportsBeforeOut,
        }));
        services.AddSingleton(sp => new BridgeRegistry(sp.GetRequiredService<BridgeSelector>(), clock, options.EndpointPacketsPerSecond));
        services.AddSingleton<SignalingMetrics>();
        services.AddSingleton(new RoomPolicies());
        services.AddSingleton(sp => new RoomRegistry(sp.GetRequiredService<RoomPolicies>(), sp.GetRequiredService<BridgeSelector>(), clock));
        services.AddSingleton(new BridgeApiClient(options.BridgeSecret, TimeSpan.FromSeconds(5)));
        services.AddSingleton(sp => new RelayLinks(sp.GetRequiredService<BridgeRegistry>(), sp.GetRequiredService<BridgeApiClient>()));
        services.AddSingleton(sp => new VisitorPlacement(
            sp.GetRequiredService<BridgeRegistry>(),
            sp.GetRequiredService<BridgeApiClient>(),
            sp.GetRequiredService<RelayLinks>(),
            options.RelayFanOut));
        services.AddSingleton(sp => new ClientHub(
            sp.GetRequiredService<RoomRegistry>(),
            sp.GetRequiredService<BridgeRegistry>(),
            sp.GetRequiredService<BridgeApiClient>(),
            sp.GetRequiredService<VisitorPlacement>(),
            sp.GetRequiredService<SignalingMetrics>(),
            options,
            clock,
            sp.GetRequiredService<ILogger<ClientConnection>>()));
        services.AddHostedService<BridgeSweeper>();

        var app = builder.Build();
        // The web client (static files, plain JS): index.html at "/".
        var webRoot = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot"));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = webRoot });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = webRoot });
        app.MapGet("/health", (BridgeRegistry r) => Results.Ok(new { status = "ok", role = "main", bridges = r.List().Count(b => b.State == "alive") }));
        app.MapMetrics("/metrics", app.Services.GetRequiredService<SignalingMetrics>().Registry);
        app.MapBridgeRoutes(options.BridgeSecret);
        app.MapClientSocket();
        return app;
    }
}
