using System.Text.Json;
using System.Text.Json.Serialization;

namespace Signaling.Features.Hands;

/// <summary>Federation event types of raised hands (docs/conference-features.md).</summary>
internal static class HandTypes
{
    /// <summary>node → main: a visitor raised its hand (<see cref="HandRaisePayload"/>).</summary>
    public const string Raise = "hand-raise";

    /// <summary>node → main: a visitor lowered its hand or left (<see cref="HandUserPayload"/>).</summary>
    public const string Lower = "hand-lower";

    /// <summary>main → node: a visitor is promoted (<see cref="PromotePayload"/>).</summary>
    public const string Promote = "promote";

    /// <summary>main → node: a visitor's hand was denied (<see cref="HandUserPayload"/>).</summary>
    public const string Denied = "hand-denied";
}

/// <summary>A raised hand: the visitor's id and name, and its token subject (for auto-promotion) when it has one.</summary>
internal sealed record HandRaisePayload(string User, string Name, string? Subject);

/// <summary>One visitor of a room.</summary>
internal sealed record HandUserPayload(string User);

/// <summary>A promotion: the visitor joins <paramref name="Url"/> with <paramref name="Ticket"/>.</summary>
internal sealed record PromotePayload(string User, string Ticket, string Url);

/// <summary>System.Text.Json source generation for the raised-hand payloads (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HandRaisePayload))]
[JsonSerializable(typeof(HandUserPayload))]
[JsonSerializable(typeof(PromotePayload))]
internal sealed partial class HandJson : JsonSerializerContext;
