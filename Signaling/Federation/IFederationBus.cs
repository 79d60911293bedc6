namespace Signaling.Federation;

/// <summary>Whether a federation bus currently reaches its backing store.</summary>
public enum FederationLinkState
{
    /// <summary>The last operation failed or the connection dropped; subscriptions are retrying.</summary>
    Disconnected = 0,

    /// <summary>The last operation succeeded.</summary>
    Connected = 1,
}

/// <summary>
/// Ordered, replayable event streams between signaling nodes, one stream per direction (see
/// <see cref="FederationStreams.Name"/>). Implemented over Redis Streams and in memory.
/// </summary>
public interface IFederationBus : IAsyncDisposable
{
    /// <summary>Current link state, for metrics and health.</summary>
    FederationLinkState State { get; }

    /// <summary>Raised (on any thread) whenever <see cref="State"/> changes, with the new state.</summary>
    event EventHandler<FederationLinkState>? StateChanged;

    /// <summary>
    /// Appends <paramref name="e"/> to <paramref name="stream"/> and returns its stream id. Publishing an event whose
    /// <see cref="FederationEvent.Key"/> was already stored (within the idempotency window) stores nothing and returns
    /// the first id, so retrying after <see cref="FederationUnavailableException"/> never duplicates an event.
    /// </summary>
    Task<string> PublishAsync(string stream, FederationEvent e, CancellationToken cancellationToken = default);

    /// <summary>
    /// Yields every event of <paramref name="stream"/> with an id greater than <paramref name="afterId"/> (null: from the
    /// oldest retained), in order, without end. Connection loss is retried with backoff and reading resumes strictly
    /// after the last yielded id. Throws <see cref="FederationGapException"/> when events after the position were
    /// trimmed (the caller must resync). Cancellation or disposing the bus ends the enumeration without an exception.
    /// </summary>
    IAsyncEnumerable<FederationEvent> SubscribeAsync(string stream, string? afterId, CancellationToken cancellationToken = default);
}
