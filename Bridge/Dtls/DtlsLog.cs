using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Tls;

namespace Bridge.Dtls;

/// <summary>Log messages of the DTLS layer (source-generated, no allocation when the level is off).</summary>
internal static partial class DtlsLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "DTLS {Role}: peer certificate does not match the {Algorithm} fingerprint from SDP")]
    public static partial void FingerprintMismatch(ILogger logger, DtlsRole role, string algorithm);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "DTLS {Role}: received alert {Alert}")]
    public static partial void AlertReceived(ILogger logger, DtlsRole role, DtlsAlert alert);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "DTLS {Role}: raised alert {Alert}: {Detail}")]
    public static partial void AlertRaised(ILogger logger, DtlsRole role, DtlsAlert alert, string? detail, Exception? cause);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "DTLS {Role}: handshake complete, SRTP profile {Profile}")]
    public static partial void HandshakeComplete(ILogger logger, DtlsRole role, Bridge.Srtp.SrtpProfile profile);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "DTLS {Role}: handshake failed ({Reason})")]
    public static partial void HandshakeFailed(ILogger logger, DtlsRole role, DtlsFailure reason, Exception cause);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug, Message = "DTLS {Role}: SRTP profile {Profile} chosen from the ClientHello offer")]
    public static partial void ProfileChosen(ILogger logger, DtlsRole role, Bridge.Srtp.SrtpProfile profile);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Debug, Message = "DTLS {Role}: sending a datagram failed")]
    public static partial void SendFailed(ILogger logger, DtlsRole role, Exception cause);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Debug, Message = "DTLS {Role}: association ended after the handshake")]
    public static partial void AssociationEnded(ILogger logger, DtlsRole role, Exception? cause);
}

/// <summary>An alert as logged; named only when the message is actually formatted.</summary>
internal readonly record struct DtlsAlert(short Level, short Description)
{
    public override string ToString() => $"{AlertLevel.GetText(Level)} {AlertDescription.GetText(Description)}";
}
