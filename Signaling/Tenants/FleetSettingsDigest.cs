using System.Security.Cryptography;
using System.Text.Json;
using Signaling.Hosting;

namespace Signaling.Tenants;

/// <summary>
/// A short fingerprint of the settings every node of a fleet must hold alike: the tenants (token secrets, limits) and the
/// node-wide admission defaults they inherit. Visitor nodes send it in their heartbeat; main compares it with its own, so a
/// node left with an old secret shows up before its visitors' tokens are refused. A truncated SHA-256: it says whether two
/// nodes agree and nothing about the secrets.
/// </summary>
internal static class FleetSettingsDigest
{
    /// <summary>16 hex characters over a canonical form (tenants by name, lists sorted, unset fields as null).</summary>
    public static string Of(SignalingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("maxParticipants", options.MaxParticipants);
            json.WriteBoolean("visitorsEnabled", options.VisitorsEnabled);
            json.WriteBoolean("liveRoom", options.LiveRoom);
            json.WriteNumber("maxPromoted", options.MaxPromoted);
            WriteSorted(json, "autoPromote", options.AutoPromote);
            json.WriteStartObject("tenants");
            foreach (var (name, tenant) in options.Tenants.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                json.WriteStartObject(name);
                json.WriteString("jwtSecret", tenant.JwtSecret);
                WriteNullable(json, "maxParticipants", tenant.MaxParticipants);
                WriteNullable(json, "visitorsEnabled", tenant.VisitorsEnabled);
                WriteNullable(json, "liveRoom", tenant.LiveRoom);
                WriteNullable(json, "maxPromoted", tenant.MaxPromoted);
                WriteSorted(json, "autoPromote", tenant.AutoPromote);
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()).AsSpan(0, 8));
    }

    private static void WriteSorted(Utf8JsonWriter json, string name, List<string>? values)
    {
        json.WriteStartArray(name);
        foreach (var value in (values ?? []).Order(StringComparer.Ordinal))
        {
            json.WriteStringValue(value);
        }
        json.WriteEndArray();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, bool? value)
    {
        if (value is { } v)
        {
            json.WriteBoolean(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
