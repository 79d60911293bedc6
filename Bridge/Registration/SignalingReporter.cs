using BridgeRelay.Contracts;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Bridge.Conferences;
using Bridge.Hosting;
using Bridge.Relay;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Registration;

/// <summary>
/// Samples the bridge's stress every <c>Bridge:ReportIntervalSeconds</c> and, when <c>Bridge:SignalingUrl</c> is set, POSTs a
/// <see cref="BridgeReport"/> to <c>{SignalingUrl}/bridges/{BridgeId}</c>: the first report registers the bridge, the
/// following ones keep it alive (signaling drops a bridge silent for 3 intervals). Network failures never stop the loop:
/// they are counted, logged once per change of outcome and retried on the next tick.
/// </summary>
public sealed partial class SignalingReporter : BackgroundService
{
    private readonly BridgeOptions _options;
    private readonly StressMeter _stress;
    private readonly ReportCounters _counters;
    private readonly ConferenceManager _conferences;
    private readonly RelayManager _relays;
    private readonly IServer _server;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly ILogger<SignalingReporter> _log;
    private readonly HttpClient? _http;
    private readonly Uri? _target;
    private ReportOutcome? _lastOutcome;

    /// <summary>Creates the reporter; it sends nothing when no signaling URL is configured.</summary>
    public SignalingReporter(IOptions<BridgeOptions> options, StressMeter stress, ReportCounters counters, ConferenceManager conferences, RelayManager relays,
        IServer server, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<SignalingReporter> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _stress = stress;
        _counters = counters;
        _conferences = conferences;
        _relays = relays;
        _server = server;
        _lifetime = lifetime;
        _time = time;
        _log = log;
        if (_options.SignalingUrl is { } url)
        {
            _target = new Uri($"{url.TrimEnd('/')}/bridges/{Uri.EscapeDataString(_options.BridgeId)}");
            // A report older than one interval is stale anyway; the next tick sends a fresh one.
            _http = new HttpClient { Timeout = TimeSpan.FromSeconds(_options.ReportIntervalSeconds) };
            if (_options.ApiSecret is { } secret)
            {
                _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
            }
        }
    }

    /// <summary>Builds the stress meter the options ask for: packets in plus out against the capacity, and process CPU unless left out.</summary>
    public static StressMeter CreateMeter(BridgeOptions options, Metrics.BridgeCounters counters, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(counters);
        return new StressMeter(
            () => counters.Total() is var total ? total.PacketsIn + total.PacketsOut : 0,
            options.StressIncludesCpu ? ProcessCpu : null,
            Environment.ProcessorCount,
            options.EffectiveCapacityPacketsPerSecond,
            time);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _http?.Dispose();
        base.Dispose();
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The API URL is known only once the server listens (port 0 in tests).
            await WaitForStartAsync(stoppingToken).ConfigureAwait(false);
            var apiUrl = AdvertisedApiUrl();
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.ReportIntervalSeconds), _time);
            do
            {
                var sample = _stress.Sample();
                if (_http is not null && _target is not null)
                {
                    await SendAsync(_http, _target, Report(apiUrl, sample), stoppingToken).ConfigureAwait(false);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private async Task WaitForStartAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStart = _lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
    }

    private BridgeReport Report(string apiUrl, StressSample sample) => new(
        _options.BridgeId,
        _options.Region,
        apiUrl,
        _options.EffectiveAdvertisedAddress,
        _conferences.MediaPort,
        _options.EffectiveCapacityPacketsPerSecond,
        sample.Stress,
        sample.PacketRatePps,
        _conferences.EndpointCount,
        _conferences.Conferences.Count,
        _relays.Links.Length,
        _options.ReportIntervalSeconds);

    private async Task SendAsync(HttpClient http, Uri target, BridgeReport report, CancellationToken stoppingToken)
    {
        ReportOutcome outcome;
        string detail;
        try
        {
            using var response = await http.PostAsJsonAsync(target, report, stoppingToken).ConfigureAwait(false);
            outcome = response.IsSuccessStatusCode ? ReportOutcome.Ok
                : response.StatusCode == HttpStatusCode.Unauthorized ? ReportOutcome.Unauthorized
                : ReportOutcome.Rejected;
            detail = outcome == ReportOutcome.Ok ? "" : $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(stoppingToken).ConfigureAwait(false)}";
        }
        catch (HttpRequestException ex)
        {
            (outcome, detail) = (ReportOutcome.Unreachable, ex.Message);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            (outcome, detail) = (ReportOutcome.Unreachable, "timed out");
        }

        _counters.Count(outcome);
        if (outcome != _lastOutcome)
        {
            if (outcome == ReportOutcome.Ok)
            {
                LogReporting(_log, target);
            }
            else
            {
                LogFailing(_log, target, ReportCounters.Label(outcome), detail);
            }

            _lastOutcome = outcome;
        }
    }

    private string AdvertisedApiUrl()
    {
        var address = _server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? _options.ApiUrl;
        // Kestrel reports a wildcard bind as "+", "*", 0.0.0.0 or [::]; peers need an address they can reach.
        var normalized = address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri))
        {
            return _options.ApiUrl;
        }

        if (uri.Host is not ("0.0.0.0" or "[::]" or "::"))
        {
            return uri.GetLeftPart(UriPartial.Authority);
        }

        var advertised = _options.EffectiveAdvertisedAddress;
        var builder = new UriBuilder(uri) { Host = advertised.Contains(':', StringComparison.Ordinal) ? $"[{advertised}]" : advertised };
        return builder.Uri.GetLeftPart(UriPartial.Authority);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "reporting to signaling at {Target}")]
    private static partial void LogReporting(ILogger logger, Uri target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "reports to signaling at {Target} failing ({Outcome}): {Detail}; retrying every interval")]
    private static partial void LogFailing(ILogger logger, Uri target, string outcome, string detail);
}
