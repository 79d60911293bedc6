namespace Bridge.Client;

/// <summary>
/// Receives one decrypted packet on the peer's receive thread; <paramref name="plain"/> is only valid during the call.
/// <paramref name="receivedTimestamp"/> is <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> taken as soon as
/// recvfrom returned, before demultiplexing and decryption.
/// </summary>
public delegate void PacketObserver(ReadOnlySpan<byte> plain, long receivedTimestamp);
