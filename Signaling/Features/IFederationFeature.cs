using Signaling.Federation;

namespace Signaling.Features;

/// <summary>A room feature that carries its own events over the federation streams (chat, reactions, ...).</summary>
internal interface IFederationFeature
{
    /// <summary>
    /// Handles <paramref name="e"/> from node <paramref name="origin"/> when its type belongs to this feature (true), else
    /// false. Throws <see cref="System.Text.Json.JsonException"/> for an unreadable payload; the reader logs and skips it.
    /// </summary>
    bool TryHandle(string origin, FederationEvent e);
}
