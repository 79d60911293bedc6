using System.Net;
using Microsoft.Extensions.Options;

namespace Bridge.Hosting;

/// <summary>Start-up validation of <see cref="BridgeOptions"/>: one message per bad key, naming it.</summary>
public sealed class BridgeOptionsValidator : IValidateOptions<BridgeOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, BridgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        void Check(bool ok, string key, string message)
        {
            if (!ok)
            {
                errors.Add($"{BridgeOptions.Section}:{key} {message}");
            }
        }

        Check(IsId(options.BridgeId), nameof(options.BridgeId), $"must be 1..64 characters of A-Z a-z 0-9 - _ ., got '{options.BridgeId}'");
        Check(options.RelayDownAfterSeconds is >= 0.5 and <= 60, nameof(options.RelayDownAfterSeconds), $"must be 0.5..60, got {options.RelayDownAfterSeconds}");
        Check(IPAddress.TryParse(options.MediaBindAddress, out _), nameof(options.MediaBindAddress), $"must be an IP address, got '{options.MediaBindAddress}'");
        Check(options.MediaPort is >= 0 and <= 65535, nameof(options.MediaPort), $"must be 0..65535, got {options.MediaPort}");
        Check(options.AdvertisedAddress is null || IPAddress.TryParse(options.AdvertisedAddress, out _), nameof(options.AdvertisedAddress), $"must be an IP address, got '{options.AdvertisedAddress}'");
        Check(Uri.TryCreate(options.ApiUrl, UriKind.Absolute, out var api) && api.Scheme is "http" or "https", nameof(options.ApiUrl), $"must be an http(s) URL, got '{options.ApiUrl}'");
        Check(options.ApiSecret is null || options.ApiSecret.Length >= 16, nameof(options.ApiSecret), "must be at least 16 characters when set");
        Check(options.ConsentTimeoutSeconds is >= 5 and <= 300, nameof(options.ConsentTimeoutSeconds), $"must be 5..300, got {options.ConsentTimeoutSeconds}");
        Check(options.ConnectTimeoutSeconds is >= 2 and <= 300, nameof(options.ConnectTimeoutSeconds), $"must be 2..300, got {options.ConnectTimeoutSeconds}");
        Check(options.MaxConcurrentHandshakes is >= 1 and <= 10_000, nameof(options.MaxConcurrentHandshakes), $"must be 1..10000, got {options.MaxConcurrentHandshakes}");
        Check(options.KeyframeRequestIntervalMs is >= 10 and <= 10_000, nameof(options.KeyframeRequestIntervalMs), $"must be 10..10000, got {options.KeyframeRequestIntervalMs}");
        Check(options.ReceiverAudioSlots is >= 0 and <= 16, nameof(options.ReceiverAudioSlots), $"must be 0..16, got {options.ReceiverAudioSlots}");
        Check(options.ReceiverVideoSlots is >= 0 and <= 16, nameof(options.ReceiverVideoSlots), $"must be 0..16, got {options.ReceiverVideoSlots}");
        Check(IsPowerOfTwoIn(options.VideoPacketCacheSize, 16, 8192), nameof(options.VideoPacketCacheSize), $"must be a power of two in 16..8192, got {options.VideoPacketCacheSize}");
        Check(IsPowerOfTwoIn(options.AudioPacketCacheSize, 16, 8192), nameof(options.AudioPacketCacheSize), $"must be a power of two in 16..8192, got {options.AudioPacketCacheSize}");
        Check(options.SignalingUrl is null || (Uri.TryCreate(options.SignalingUrl, UriKind.Absolute, out var signaling) && signaling.Scheme is "http" or "https"), nameof(options.SignalingUrl), $"must be an http(s) URL when set, got '{options.SignalingUrl}'");
        Check(!options.RequireSignaling || options.SignalingUrl is not null, nameof(options.SignalingUrl), $"must be set when {BridgeOptions.Section}:{nameof(options.RequireSignaling)} is true (the main signaling node's URL, e.g. http://10.0.0.2:7070)");
        Check(IsId(options.Region), nameof(options.Region), $"must be 1..64 characters of A-Z a-z 0-9 - _ ., got '{options.Region}'");
        Check(options.CapacityPacketsPerSecond is 0 or (>= 100 and <= 100_000_000), nameof(options.CapacityPacketsPerSecond), $"must be 0 (100000 per media loop) or 100..100000000, got {options.CapacityPacketsPerSecond}");
        Check(options.ReportIntervalSeconds is >= 1 and <= 60, nameof(options.ReportIntervalSeconds), $"must be 1..60, got {options.ReportIntervalSeconds}");
        Check(options.ReceiveLoops is >= 0 and <= Conferences.Conference.MaxLoops, nameof(options.ReceiveLoops), $"must be 0 (one per core) to {Conferences.Conference.MaxLoops}, got {options.ReceiveLoops}");
        Check(options.SrtpProfiles.All(Enum.IsDefined) && options.SrtpProfiles.Distinct().Count() == options.SrtpProfiles.Count, nameof(options.SrtpProfiles), "must list distinct known profiles (AeadAes128Gcm, AesCm128HmacSha1Tag80)");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsId(string? value) => value is { Length: > 0 and <= 64 } && value.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.');

    private static bool IsPowerOfTwoIn(int value, int min, int max) => value >= min && value <= max && (value & (value - 1)) == 0;
}
