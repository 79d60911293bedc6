using Bridge.Srtp;
using Microsoft.Extensions.Logging;

namespace Bridge.Conferences;

/// <summary>Log messages of conference and endpoint life (source-generated).</summary>
internal static partial class ConferenceLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "endpoint {Conference}/{Endpoint} created as {Role}")]
    public static partial void EndpointCreated(ILogger logger, string conference, string endpoint, EndpointRole role);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "endpoint {Conference}/{Endpoint} ICE connected from {Address}")]
    public static partial void IceConnected(ILogger logger, string conference, string endpoint, System.Net.SocketAddress address);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "endpoint {Conference}/{Endpoint} secure with {Profile}")]
    public static partial void Secure(ILogger logger, string conference, string endpoint, SrtpProfile profile);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "endpoint {Conference}/{Endpoint} expired: {Reason}")]
    public static partial void EndpointExpired(ILogger logger, string conference, string endpoint, string reason);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "conference {Conference} expired")]
    public static partial void ConferenceExpired(ILogger logger, string conference);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "media socket listening on udp {Endpoint} with {Loops} media loop(s)")]
    public static partial void Listening(ILogger logger, System.Net.IPEndPoint endpoint, int loops);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Error, Message = "packet handling failed; datagram dropped")]
    public static partial void PacketHandlingFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Error, Message = "conference {Conference} cannot be relayed: its relay id {RelayId} is taken by conference {Other}")]
    public static partial void RelayIdCollision(ILogger logger, string conference, string other, uint relayId);
}
