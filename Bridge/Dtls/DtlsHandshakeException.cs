namespace Bridge.Dtls;

/// <summary>A DTLS handshake ended without SRTP keys; <see cref="Reason"/> says why.</summary>
public sealed class DtlsHandshakeException : Exception
{
    /// <summary>Creates an exception with reason <see cref="DtlsFailure.Protocol"/>.</summary>
    public DtlsHandshakeException()
        : this(DtlsFailure.Protocol, "DTLS handshake failed", null)
    {
    }

    /// <summary>Creates an exception with reason <see cref="DtlsFailure.Protocol"/>.</summary>
    public DtlsHandshakeException(string message)
        : this(DtlsFailure.Protocol, message, null)
    {
    }

    /// <summary>Creates an exception with reason <see cref="DtlsFailure.Protocol"/>.</summary>
    public DtlsHandshakeException(string message, Exception? innerException)
        : this(DtlsFailure.Protocol, message, innerException)
    {
    }

    /// <summary>Creates an exception with the given reason.</summary>
    public DtlsHandshakeException(DtlsFailure reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Why the handshake failed.</summary>
    public DtlsFailure Reason { get; }
}
