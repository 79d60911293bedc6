namespace Bridge.Client;

/// <summary>
/// Receives one decrypted RTP packet of multiplexed peer <paramref name="peer"/> on the receive thread of the peer's
/// socket (one thread per socket, so a peer's packets never race each other). <paramref name="plain"/> is only valid
/// during the call. <paramref name="arrivalUnixNanoseconds"/> is the kernel's receive time (SO_TIMESTAMPNS,
/// CLOCK_REALTIME), taken before any queueing in the socket buffer, demultiplexing or decryption.
/// </summary>
public delegate void MuxPacketObserver(int peer, ReadOnlySpan<byte> plain, long arrivalUnixNanoseconds);
