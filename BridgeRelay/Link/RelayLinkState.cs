namespace BridgeRelay.Link;

/// <summary>Liveness of a relay link as judged by <see cref="RelayLinkHealth"/>.</summary>
public enum RelayLinkState
{
    /// <summary>No authenticated datagram yet, or none for <see cref="RelayLinkHealth.DownAfter"/>.</summary>
    Down = 0,

    /// <summary>An authenticated datagram arrived within <see cref="RelayLinkHealth.DownAfter"/>.</summary>
    Up = 1,
}
