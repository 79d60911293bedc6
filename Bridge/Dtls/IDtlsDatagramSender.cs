namespace Bridge.Dtls;

/// <summary>Sends one DTLS datagram to the peer (the transport knows the peer's learned address).</summary>
public interface IDtlsDatagramSender
{
    /// <summary>Sends <paramref name="datagram"/>; the span is only valid during the call.</summary>
    void Send(ReadOnlySpan<byte> datagram);
}
