using System.Net;
using Bridge.Api;
using Bridge.Conferences;
using Bridge.Dtls;
using Bridge.Forwarding;
using Bridge.Metrics;
using Bridge.Relay;
using Bridge.Registration;
using Bridge.Transport;
using BridgeRelay.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;

namespace Bridge.Hosting;

/// <summary>Builds the bridge process: options, media socket, receive loop, control API, /health, /metrics and the demo page.</summary>
public static class BridgeHost
{
    /// <summary>
    /// Builds the bridge from command-line arguments and configuration ("Bridge:*" keys, environment
    /// variables Bridge__*); <paramref name="configure"/> overrides options and <paramref name="time"/>
    /// the clock (tests). Throws <see cref="OptionsValidationException"/> naming the bad key.
    /// </summary>
    public static WebApplication Build(string[] args, Action<BridgeOptions>? configure = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var options = new BridgeOptions();
        var section = builder.Configuration.GetSection(BridgeOptions.Section);
        var problems = ConfigurationKeys.Unknown(BridgeOptions.Section, section.AsEnumerable().Select(p => p.Key), typeof(BridgeOptions))
            .Select(key => $"{key} is not a known key (see docs/configuration.md)").ToList();
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            // A value that does not convert ("Bridge:MediaPort=abc"); the binder's one-line message names the key.
            problems.Add(ex.Message);
        }
        configure?.Invoke(options);
        var validation = new BridgeOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            problems.AddRange(validation.Failures);
        }
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(BridgeOptions.Section, typeof(BridgeOptions), problems);
        }

        builder.WebHost.UseUrls(options.ApiUrl);
        // Under systemd: Type=notify readiness and journald-friendly log lines; elsewhere a no-op.
        builder.Services.AddSystemd();
        // Per-request logs of the control API drown the endpoint life-cycle lines operators need.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var services = builder.Services;
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddSingleton<BridgeCounters>();
        services.AddSingleton(_ => DtlsCertificate.CreateSelfSigned("bridge"));
        services.AddSingleton<MediaSockets>();
        services.AddSingleton(sp => sp.GetRequiredService<MediaSockets>()[0]);
        services.AddSingleton<ConferenceManager>();
        services.AddSingleton<RelayManager>();
        services.AddSingleton<RelaySubscriptions>();
        services.AddSingleton<MediaLoops>();
        services.AddSingleton(sp => SignalingReporter.CreateMeter(options, sp.GetRequiredService<BridgeCounters>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ReportCounters>();
        services.AddSingleton<BridgeMetrics>();
        services.AddSingleton(sp => new TransitHistogram(sp.GetRequiredService<BridgeMetrics>().Registry));
        services.AddSingleton<TrafficRates>();
        services.AddHostedService(sp => sp.GetRequiredService<TrafficRates>());
        services.AddSingleton<JvbMetrics>();
        services.AddHostedService(sp => sp.GetRequiredService<MediaLoops>());
        services.AddHostedService<ConsentMonitor>();
        services.AddHostedService<RelayMonitor>();
        services.AddHostedService<SignalingReporter>();

        var app = builder.Build();
        app.MapGet("/health", (ConferenceManager m) => Results.Ok(new { status = "ok", conferences = m.Conferences.Count, endpoints = m.EndpointCount }));
        // Resolved now so the jitsi_jvb_* set is in the registry from the first scrape.
        app.Services.GetRequiredService<JvbMetrics>();
        app.MapMetrics("/metrics", app.Services.GetRequiredService<BridgeMetrics>().Registry);
        app.MapControlApi();
        app.MapRelayApi();
        app.MapDemoPage();
        return app;
    }
}
