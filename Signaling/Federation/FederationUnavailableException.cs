namespace Signaling.Federation;

/// <summary>
/// Thrown by <see cref="IFederationBus.PublishAsync"/> when the bus cannot be reached; the event may or may not
/// have been stored, and publishing the same event again is safe (its idempotency key stores it at most once).
/// </summary>
public sealed class FederationUnavailableException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public FederationUnavailableException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the transport error that caused it.</summary>
    public FederationUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates an empty exception.</summary>
    public FederationUnavailableException() : this("The federation bus is unavailable.")
    {
    }
}
