namespace BridgeRelay.Link;

/// <summary>Bits of the relay header's flags byte (byte 3); receivers ignore bits they do not know.</summary>
public static class RelayFlags
{
    /// <summary>The RTP packet answers a NACK from below: cache it and pass it down, do not fan it out to local receivers again.</summary>
    public const byte Retransmission = 0x01;
}
