namespace Bridge.Relay;

/// <summary>What the bridge at the other end of a relay link is to this bridge.</summary>
public enum RelayPeerRole
{
    /// <summary>The peer is closer to the core: media comes from it, feedback and subscriptions go to it.</summary>
    Parent,
    /// <summary>The peer is further from the core: media goes to it, its subscriptions say what it wants.</summary>
    Child,
    /// <summary>
    /// Both are core bridges of one conference (the mesh at the root): each sends the other the media of
    /// its own publishers only, never what it relays, so the mesh cannot loop.
    /// </summary>
    Mesh,
}
