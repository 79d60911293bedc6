using Microsoft.Extensions.Options;

namespace Signaling.Hosting;

/// <summary>Start-up validation of <see cref="SignalingOptions"/>: one message per bad key, naming it.</summary>
public sealed class SignalingOptionsValidator : IValidateOptions<SignalingOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, SignalingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        void Check(bool ok, string key, string message)
        {
            if (!ok)
            {
                errors.Add($"{SignalingOptions.Section}:{key} {message}");
            }
        }

        Check(Uri.TryCreate(options.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https", nameof(options.Url), $"must be an http(s) URL, got '{options.Url}'");
        Check(options.NodeId is { Length: >= 1 and <= 64 } && options.NodeId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'), nameof(options.NodeId), "must be 1-64 of A-Z a-z 0-9 - _ .");
        Check(options.BridgeSecret is null || options.BridgeSecret.Length >= 16, nameof(options.BridgeSecret), "must be at least 16 characters when set");
        Check(options.ReportIntervalSeconds is >= 1 and <= 60, nameof(options.ReportIntervalSeconds), $"must be 1..60, got {options.ReportIntervalSeconds}");
        Check(options.MissedReportsBeforeOut is >= 1 and <= 100, nameof(options.MissedReportsBeforeOut), $"must be 1..100, got {options.MissedReportsBeforeOut}");
        Check(options.EndpointPacketsPerSecond is >= 1 and <= 1_000_000, nameof(options.EndpointPacketsPerSecond), $"must be 1..1000000, got {options.EndpointPacketsPerSecond}");
        Check(options.RelayFanOut is >= BridgeRelay.Tree.TreePlanner.MinFanOut and <= BridgeRelay.Tree.TreePlanner.MaxFanOut, nameof(options.RelayFanOut), $"must be {BridgeRelay.Tree.TreePlanner.MinFanOut}..{BridgeRelay.Tree.TreePlanner.MaxFanOut}, got {options.RelayFanOut}");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
