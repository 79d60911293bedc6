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
        Check(IsNodeId(options.NodeId), nameof(options.NodeId), "must be 1-64 of A-Z a-z 0-9 - _ .");
        Check(options.BridgeSecret is null || options.BridgeSecret.Length >= 16, nameof(options.BridgeSecret), "must be at least 16 characters when set");
        Check(options.ReportIntervalSeconds is >= 1 and <= 60, nameof(options.ReportIntervalSeconds), $"must be 1..60, got {options.ReportIntervalSeconds}");
        Check(options.MissedReportsBeforeOut is >= 1 and <= 100, nameof(options.MissedReportsBeforeOut), $"must be 1..100, got {options.MissedReportsBeforeOut}");
        Check(options.EndpointPacketsPerSecond is >= 1 and <= 1_000_000, nameof(options.EndpointPacketsPerSecond), $"must be 1..1000000, got {options.EndpointPacketsPerSecond}");
        Check(options.RelayFanOut is >= BridgeRelay.Tree.TreePlanner.MinFanOut and <= BridgeRelay.Tree.TreePlanner.MaxFanOut, nameof(options.RelayFanOut), $"must be {BridgeRelay.Tree.TreePlanner.MinFanOut}..{BridgeRelay.Tree.TreePlanner.MaxFanOut}, got {options.RelayFanOut}");
        Check(options.IdleBranchSeconds is >= 1 and <= 3600, nameof(options.IdleBranchSeconds), $"must be 1..3600, got {options.IdleBranchSeconds}");
        Check(options.Role is SignalingOptions.MainRole or SignalingOptions.VisitorRole, nameof(options.Role), $"must be 'main' or 'visitor', got '{options.Role}'");
        Check(string.IsNullOrEmpty(options.PublicUrl) || IsHttpUrl(options.PublicUrl), nameof(options.PublicUrl), $"must be an http(s) URL, got '{options.PublicUrl}'");
        Check(options.Role != SignalingOptions.VisitorRole || IsHttpUrl(options.MainUrl), nameof(options.MainUrl), $"must be the main node's http(s) URL on a visitor node, got '{options.MainUrl}'");
        Check(options.Role != SignalingOptions.VisitorRole || options.NodeId != "main", nameof(options.NodeId), "must name the visitor node (e.g. v1), not 'main'");
        for (var i = 0; i < options.VisitorNodes.Count; i++)
        {
            var node = options.VisitorNodes[i];
            Check(IsNodeId(node.Id) && node.Id != options.NodeId, $"{nameof(options.VisitorNodes)}:{i}:Id", $"must be 1-64 of A-Z a-z 0-9 - _ . and not this node's id, got '{node.Id}'");
            Check(IsHttpUrl(node.Url), $"{nameof(options.VisitorNodes)}:{i}:Url", $"must be an http(s) URL, got '{node.Url}'");
            Check(options.VisitorNodes.FindIndex(n => n.Id == node.Id) == i, $"{nameof(options.VisitorNodes)}:{i}:Id", $"'{node.Id}' is listed twice");
        }

        Check(options.NodeSecret is null || options.NodeSecret.Length >= 16, nameof(options.NodeSecret), "must be at least 16 characters when set");
        Check(options.Redis is null || options.Redis.Trim().Length > 0, nameof(options.Redis), "must be a StackExchange.Redis connection string when set");
        Check(options.MaxParticipants is >= 1 and <= 10_000, nameof(options.MaxParticipants), $"must be 1..10000, got {options.MaxParticipants}");
        Check(options.MaxVisitorsPerNode is >= 1 and <= 1_000_000, nameof(options.MaxVisitorsPerNode), $"must be 1..1000000, got {options.MaxVisitorsPerNode}");
        foreach (var (tenant, t) in options.Tenants.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var key = $"{nameof(options.Tenants)}:{tenant}";
            Check(Assignment.RoomName.IsValidTenant(tenant), key, "must be a tenant name: 1-64 of a-z 0-9 . _ - (lower case, as in room names)");
            Check(t.JwtSecret is null || System.Text.Encoding.UTF8.GetByteCount(t.JwtSecret) >= Tenants.TokenValidator.MinSecretBytes, $"{key}:{nameof(t.JwtSecret)}", $"must be at least {Tenants.TokenValidator.MinSecretBytes} bytes");
            Check(t.MaxParticipants is null or (>= 0 and <= 10_000), $"{key}:{nameof(t.MaxParticipants)}", $"must be 0..10000, got {t.MaxParticipants}");
            Check(t.MaxPromoted is null or (>= 0 and <= 10_000), $"{key}:{nameof(t.MaxPromoted)}", $"must be 0..10000, got {t.MaxPromoted}");
            Check(t.AutoPromote is null || t.AutoPromote.All(IsSubject), $"{key}:{nameof(t.AutoPromote)}", "must list token subjects of 1-256 characters without control characters");
        }

        Check(options.ChatHistory is >= 1 and <= 10_000, nameof(options.ChatHistory), $"must be 1..10000, got {options.ChatHistory}");
        Check(options.MaxPromoted is >= 0 and <= 10_000, nameof(options.MaxPromoted), $"must be 0..10000, got {options.MaxPromoted}");
        Check(options.AutoPromote.All(IsSubject), nameof(options.AutoPromote), "must list token subjects of 1-256 characters without control characters");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsNodeId(string? id) => id is { Length: >= 1 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static bool IsSubject(string? subject) => subject is { Length: >= 1 and <= 256 } && !subject.Any(char.IsControl);

    private static bool IsHttpUrl(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https";
}
