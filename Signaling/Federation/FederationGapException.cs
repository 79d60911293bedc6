namespace Signaling.Federation;

/// <summary>
/// Thrown by <see cref="IFederationBus.SubscribeAsync"/> when events after the requested id are no longer in the
/// stream (trimmed by the retention bound, or the stream was reset): the caller must do a full state resync.
/// </summary>
public sealed class FederationGapException : Exception
{
    /// <summary>Creates the exception for a stream, the id the caller resumed after and the stream's oldest retained id.</summary>
    public FederationGapException(string stream, string afterId, string? firstRetainedId)
        : base($"Stream '{stream}' no longer holds the events after {afterId} "
               + (firstRetainedId is null ? "(the stream is empty: it was reset)" : $"(oldest retained is {firstRetainedId})")
               + "; a full resync is needed.")
    {
        Stream = stream;
        AfterId = afterId;
        FirstRetainedId = firstRetainedId;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public FederationGapException(string message) : base(message)
    {
        Stream = AfterId = string.Empty;
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public FederationGapException(string message, Exception innerException) : base(message, innerException)
    {
        Stream = AfterId = string.Empty;
    }

    /// <summary>Creates an empty exception.</summary>
    public FederationGapException() : this("A federation stream gap was detected.")
    {
    }

    /// <summary>The stream that has the gap.</summary>
    public string Stream { get; }

    /// <summary>The id the subscriber wanted to resume after.</summary>
    public string AfterId { get; }

    /// <summary>The oldest id still in the stream, or null when the stream is empty.</summary>
    public string? FirstRetainedId { get; }
}
