using System.Diagnostics.CodeAnalysis;
using Signaling.Assignment;
using Signaling.Hosting;

namespace Signaling.Nodes;

/// <summary>
/// The main node's choice of visitor node for a joiner who becomes a visitor: the least-loaded fresh node under
/// <c>MaxVisitorsPerNode</c>, counting redirects still in flight (<see cref="VisitorNodeSelector"/>), and the
/// <c>ws(s)://…/ws</c> URL the client reconnects to.
/// </summary>
internal sealed class VisitorRedirector
{
    private readonly Dictionary<string, Uri> _urls;

    /// <summary>Knows the visitor nodes of <paramref name="options"/>; <paramref name="selector"/> holds their load.</summary>
    public VisitorRedirector(SignalingOptions options, VisitorNodeSelector selector)
    {
        Selector = selector;
        _urls = options.VisitorNodes.ToDictionary(n => n.Id, n => SocketUrl(n.Url), StringComparer.Ordinal);
    }

    /// <summary>The load figures of the visitor nodes.</summary>
    public VisitorNodeSelector Selector { get; }

    /// <summary>True when visitor nodes are configured (otherwise the main node serves visitors itself).</summary>
    public bool Enabled => _urls.Count > 0;

    /// <summary>Picks the node for one visitor and counts it in flight; false when no configured node has reported recently.</summary>
    public bool TryRedirect([NotNullWhen(true)] out string? node, [NotNullWhen(true)] out Uri? url)
    {
        node = null;
        url = null;
        if (!Selector.TryChoose(out var choice) || !_urls.TryGetValue(choice.NodeId, out url))
        {
            return false;
        }

        node = choice.NodeId;
        return true;
    }

    /// <summary>The client WebSocket URL of a node whose base URL is <paramref name="baseUrl"/> (http → ws, https → wss).</summary>
    public static Uri SocketUrl(string baseUrl)
    {
        var builder = new UriBuilder(baseUrl.TrimEnd('/') + "/ws");
        builder.Scheme = builder.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        return builder.Uri;
    }
}
