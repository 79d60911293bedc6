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
using Signaling.Features;
using Signaling.Features.Chat;
using Signaling.Features.Hands;
using Signaling.Features.Live;
using Signaling.Features.Polls;
using Signaling.Features.Reactions;
using Signaling.Federation;
using Signaling.Nodes;
using Signaling.Tenants;

namespace Signaling.Hosting;

/// <summary>Builds a signaling node's HTTP host: /health, /metrics, the client WebSocket /ws and the web client; on main also the bridge registration and placement routes and the sweep of silent bridges, on a visitor node the link to main.</summary>
public static class SignalingHost
{
    /// <summary>
    /// Builds the host from command-line arguments and configuration ("Signaling:*" keys, environment variables Signaling__*);
    /// <paramref name="configure"/> overrides options and <paramref name="time"/> the clock (tests). Throws
    /// <see cref="OptionsValidationException"/> naming the bad key.
    /// </summary>
    public static WebApplication Build(string[] args, Action<SignalingOptions>? configure = null, TimeProvider? time = null, IFederationBus? bus = null)
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

        var visitorRole = options.Role == SignalingOptions.VisitorRole;
        if (bus is null && options.Redis is null && (visitorRole || options.VisitorNodes.Count > 0))
        {
            // Nodes in separate processes meet only on Redis; the in-process bus is for fleets in one process.
            throw new OptionsValidationException(SignalingOptions.Section, typeof(SignalingOptions),
                [$"{SignalingOptions.Section}:Redis must be set when visitor nodes are used (role '{options.Role}', {options.VisitorNodes.Count} visitor nodes listed)"]);
        }

        builder.WebHost.UseUrls(options.Url);
        builder.Services.AddSystemd(); // under systemd: Type=notify readiness, journald-friendly logs; elsewhere a no-op
        // A report every few seconds per bridge would bury the registration and loss lines operators need.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var clock = time ?? TimeProvider.System;
        var services = builder.Services;
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(options);
        services.AddSingleton(clock);
        if (bus is not null)
        {
            // Shared by the nodes of a one-process fleet: registered as an instance, so no node's host disposes it.
            services.AddSingleton(bus);
        }
        else
        {
            services.AddSingleton<IFederationBus>(_ => options.Redis is { } redis
                ? RedisFederationBus.ConnectAsync(new RedisFederationBusOptions(redis)).GetAwaiter().GetResult()
                : new InProcessFederationBus());
        }
        services.AddSingleton(new BridgeSelector(clock, new BridgeSelectorOptions
        {
            ReportInterval = TimeSpan.FromSeconds(options.ReportIntervalSeconds),
            MissedReportsBeforeOut = options.MissedReportsBeforeOut,
        }));
        services.AddSingleton(sp => new BridgeRegistry(sp.GetRequiredService<BridgeSelector>(), clock, options.EndpointPacketsPerSecond));
        services.AddSingleton(sp => new SignalingMetrics(sp.GetRequiredService<BridgeRegistry>(), options.NodeId));
        var policies = new RoomPolicies(new RoomPolicy { MaxParticipants = options.MaxParticipants, VisitorsEnabled = options.VisitorsEnabled });
        TenantAccess.ApplyPolicies(options.Tenants, policies);
        services.AddSingleton(policies);
        services.AddSingleton(sp => new TenantAccess(options.Tenants, clock, sp.GetRequiredService<SignalingMetrics>().Registry));
        services.AddSingleton(sp => new RoomRegistry(sp.GetRequiredService<RoomPolicies>(), sp.GetRequiredService<BridgeSelector>(), sp.GetRequiredService<IRoomSync>(), clock)
        {
            // A tenant with tokens names its moderators in them; an open one has its first participant moderate.
            ModeratesByArrival = name => !sp.GetRequiredService<TenantAccess>().IsSecured(name.Tenant),
        });
        services.AddSingleton(new BridgeApiClient(options.BridgeSecret, TimeSpan.FromSeconds(5)));
        services.AddSingleton(sp => new RelayLinks(sp.GetRequiredService<BridgeRegistry>(), sp.GetRequiredService<BridgeApiClient>(), sp.GetRequiredService<ILogger<RelayLinks>>()));
        services.AddSingleton(sp => new RelayTreeEditor(
            sp.GetRequiredService<BridgeRegistry>(),
            sp.GetRequiredService<BridgeApiClient>(),
            sp.GetRequiredService<RelayLinks>(),
            options.RelayFanOut,
            sp.GetRequiredService<ILogger<RelayTreeEditor>>()));
        services.AddSingleton(sp => new VisitorPlacement(sp.GetRequiredService<BridgeRegistry>(), sp.GetRequiredService<RelayTreeEditor>()));
        services.AddSingleton(sp => new BridgeLossHandler(
            sp.GetRequiredService<RoomRegistry>(),
            sp.GetRequiredService<BridgeRegistry>(),
            sp.GetRequiredService<BridgeApiClient>(),
            sp.GetRequiredService<RelayLinks>(),
            sp.GetRequiredService<RelayTreeEditor>(),
            sp.GetRequiredService<SignalingMetrics>(),
            clock,
            TimeSpan.FromSeconds(options.IdleBranchSeconds),
            sp.GetRequiredService<ILogger<BridgeLossHandler>>()));
        if (visitorRole)
        {
            services.AddSingleton<NodeRoomSync>();
            services.AddSingleton<IRoomSync>(sp => sp.GetRequiredService<NodeRoomSync>());
            services.AddSingleton<IVisitorPlacer>(sp => new RemoteVisitorPlacer(options, sp.GetRequiredService<PollService>()));
            services.AddSingleton<NodeFederationReader>();
            services.AddHostedService(sp => sp.GetRequiredService<NodeFederationReader>());
        }
        else
        {
            services.AddSingleton<MainRoomSync>();
            services.AddSingleton<IRoomSync>(sp => sp.GetRequiredService<MainRoomSync>());
            services.AddSingleton<IVisitorPlacer>(sp => sp.GetRequiredService<VisitorPlacement>());
            // Five missed heartbeats: a dead node stops getting redirects within seconds, its clients' reconnects go elsewhere.
            services.AddSingleton(new VisitorNodeSelector(clock, new VisitorNodeOptions
            {
                MaxVisitorsPerNode = options.MaxVisitorsPerNode,
                StaleAfter = 5 * NodeFederationReader.HeartbeatInterval,
            }));
            services.AddSingleton<VisitorRedirector>();
            services.AddHostedService<MainFederationReader>();
            services.AddHostedService<BridgeSweeper>();
        }

        services.AddSingleton(sp => new FeatureMetrics(sp.GetRequiredService<SignalingMetrics>().Registry));
        services.AddSingleton<ChatService>();
        services.AddSingleton<ReactionService>();
        services.AddHostedService(sp => sp.GetRequiredService<ReactionService>());
        services.AddSingleton<IFederationFeature>(sp => sp.GetRequiredService<ChatService>());
        services.AddSingleton<IFederationFeature>(sp => sp.GetRequiredService<ReactionService>());
        services.AddSingleton(new PromotionTickets(clock));
        services.AddSingleton<HandService>();
        services.AddSingleton<LiveService>();
        services.AddSingleton<IFederationFeature>(sp => sp.GetRequiredService<HandService>());
        services.AddSingleton<IFederationFeature>(sp => sp.GetRequiredService<LiveService>());
        services.AddSingleton<PollService>();
        services.AddHostedService(sp => sp.GetRequiredService<PollService>());
        services.AddSingleton<IFederationFeature>(sp => sp.GetRequiredService<PollService>());
        services.AddSingleton<ConferenceFeatures>();
        services.AddSingleton(sp => new ClientHub(
            sp.GetRequiredService<RoomRegistry>(),
            sp.GetRequiredService<BridgeRegistry>(),
            sp.GetRequiredService<BridgeApiClient>(),
            sp.GetRequiredService<IVisitorPlacer>(),
            sp.GetRequiredService<SignalingMetrics>(),
            options,
            clock,
            sp.GetRequiredService<ILogger<ClientConnection>>(),
            sp.GetRequiredService<ConferenceFeatures>(),
            sp.GetService<VisitorRedirector>(),
            sp.GetService<NodeRoomSync>(),
            tenants: sp.GetRequiredService<TenantAccess>()));

        var app = builder.Build();
        var federation = app.Services.GetRequiredService<IFederationBus>();
        var rooms = app.Services.GetRequiredService<RoomRegistry>();
        var metrics = app.Services.GetRequiredService<SignalingMetrics>();
        Func<long> pending = visitorRole ? () => 0 : () => app.Services.GetRequiredService<MainRoomSync>().Pending;
        var losses = app.Services.GetRequiredService<BridgeLossHandler>();
        if (visitorRole)
        {
            // Main lost a bridge: this node moves its own visitors on it (placing them through main again).
            app.Services.GetRequiredService<NodeFederationReader>().BridgeLost += losses.MoveMembersAsync;
        }
        else
        {
            var sync = app.Services.GetRequiredService<MainRoomSync>();
            losses.BridgeLost += (bridgeId, _) => sync.BridgeLost(bridgeId);
        }

        metrics.Attach(() => rooms.Count, () => (federation.State == FederationLinkState.Connected, pending()));
        app.Services.GetRequiredService<TenantAccess>().Attach(() => rooms.Snapshot().Select(r => r.Name));

        // The web client (static files, plain JS): index.html at "/".
        var webRoot = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot"));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = webRoot });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = webRoot });
        app.MapGet("/health", (BridgeRegistry r) => Results.Ok(new { status = "ok", role = options.Role, node = options.NodeId, federation = federation.State == FederationLinkState.Connected ? "connected" : "disconnected", bridges = r.List().Count(b => b.State == "alive") }));
        app.MapMetrics("/metrics", metrics.Registry);
        if (!visitorRole)
        {
            app.MapBridgeRoutes(options.BridgeSecret);
            app.MapPlacementRoutes(options.NodeSecret);
        }

        app.MapClientSocket();
        return app;
    }
}
