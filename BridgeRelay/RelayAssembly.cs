namespace BridgeRelay;

/// <summary>Marker of the BridgeRelay assembly: the cascade's link protocol and tree planning.</summary>
public static class RelayAssembly
{
    /// <summary>Version of the relay link protocol this assembly speaks (docs/relay-protocol.md).</summary>
    public const int ProtocolVersion = 1;
}
