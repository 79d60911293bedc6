namespace Bridge.Benchmarks;

/// <summary>What is bound to the receivers' UDP ports while the forward benchmark runs.</summary>
public enum ReceiverPorts
{
    /// <summary>Nothing: the receivers' sockets are closed.</summary>
    Closed,

    /// <summary>A socket that is never read.</summary>
    Sink,
}
