using System.Net;
using System.Text.Json;
using BridgeRelay.Contracts;

namespace Signaling.Bridges;

/// <summary>Reads and validates the <see cref="BridgeReport"/> a bridge POSTs to /bridges/{id} (see docs/signaling.md, Bridge registration).</summary>
public static class BridgeReportParser
{
    /// <summary>Largest body accepted; a report is a few hundred bytes.</summary>
    public const int MaxBytes = 16 * 1024;

    /// <summary>Highest stress accepted; bridges clamp to 1.5, anything far above is a broken reporter.</summary>
    public const double MaxStress = 100;

    /// <summary>Longest report interval a bridge may announce (Bridge:ReportIntervalSeconds allows 1..60).</summary>
    public const int MaxReportIntervalSeconds = 60;

    private const int MaxIdLength = 64;
    private const int MaxUrlLength = 2048;

    /// <summary>
    /// Parses and validates a report for the bridge <paramref name="routeId"/>; on failure <paramref name="error"/> starts with the
    /// offending field's name. Never throws on hostile input.
    /// </summary>
    public static bool TryParse(string routeId, ReadOnlySpan<byte> json, out BridgeReport? report, out string error)
    {
        report = null;
        if (!IsId(routeId))
        {
            error = $"bridgeId in the URL must be 1-{MaxIdLength} of A-Z a-z 0-9 - _ .";
            return false;
        }

        if (json.Length > MaxBytes)
        {
            error = $"body must be at most {MaxBytes} bytes";
            return false;
        }

        // JsonDocument does not check UTF-8 inside strings until one is read, and then it throws.
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            error = "body must be UTF-8";
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 4 });
        }
        catch (JsonException)
        {
            error = "body must be a JSON object";
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "body must be a JSON object";
                return false;
            }

            var fields = new Fields(root);
            string? bridgeId = null, region = null, apiUrl = null, mediaHost = null;
            int mediaPort = 0, endpoints = 0, conferences = 0, relays = 0, interval = 0;
            double capacity = 0, stress = 0, packetRate = 0;
            var ok =
                fields.String("bridgeId", s => s == routeId, "must equal the id in the URL", out bridgeId)
                && fields.String("region", IsId, $"must be 1-{MaxIdLength} of A-Z a-z 0-9 - _ .", out region)
                && fields.String("apiUrl", IsHttpUrl, "must be an absolute http(s) URL", out apiUrl)
                && fields.String("mediaHost", IsHost, "must be an IP address or host name", out mediaHost)
                && fields.Int("mediaPort", 1, 65535, out mediaPort)
                && fields.Number("capacityPps", v => v > 0, "must be a positive number", out capacity)
                && fields.Number("stress", v => v is >= 0 and <= MaxStress, $"must be a number in 0..{MaxStress}", out stress)
                && fields.Number("packetRatePps", v => v >= 0, "must be a non-negative number", out packetRate)
                && fields.Int("endpoints", 0, int.MaxValue, out endpoints)
                && fields.Int("conferences", 0, int.MaxValue, out conferences)
                && fields.Int("relays", 0, int.MaxValue, out relays)
                && fields.OptionalInt("reportIntervalSeconds", 1, MaxReportIntervalSeconds, out interval);
            if (!ok)
            {
                error = fields.Error;
                return false;
            }

            report = new BridgeReport(bridgeId!, region!, apiUrl!, mediaHost!, mediaPort, capacity, stress, packetRate, endpoints, conferences, relays, interval);
            error = "";
            return true;
        }
    }

    private static bool IsId(string value) =>
        value.Length is > 0 and <= MaxIdLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static bool IsHttpUrl(string value) =>
        value.Length <= MaxUrlLength && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    private static bool IsHost(string value) =>
        value.Length is > 0 and <= 253 && (IPAddress.TryParse(value, out _) || Uri.CheckHostName(value) == UriHostNameType.Dns);

    /// <summary>Reads typed fields of one object, keeping the first error.</summary>
    private sealed class Fields(JsonElement root)
    {
        public string Error { get; private set; } = "";

        public bool String(string name, Func<string, bool> valid, string rule, out string? value)
        {
            value = root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            return (value is not null && valid(value)) || Fail(name, rule);
        }

        public bool Int(string name, int min, int max, out int value)
        {
            value = 0;
            return (root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out value) && value >= min && value <= max)
                || Fail(name, $"must be an integer in {min}..{max}");
        }

        /// <summary>Like <see cref="Int"/>, but an absent field is fine and reads as 0.</summary>
        public bool OptionalInt(string name, int min, int max, out int value)
        {
            value = 0;
            return !root.TryGetProperty(name, out _) || Int(name, min, max, out value);
        }

        public bool Number(string name, Func<double, bool> valid, string rule, out double value)
        {
            value = 0;
            return (root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out value) && double.IsFinite(value) && valid(value))
                || Fail(name, rule);
        }

        private bool Fail(string name, string rule)
        {
            Error = $"{name} {rule}";
            return false;
        }
    }
}
