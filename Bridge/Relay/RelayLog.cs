using System.Net;
using Microsoft.Extensions.Logging;

namespace Bridge.Relay;

/// <summary>Log messages of relay links (source-generated).</summary>
internal static partial class RelayLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "relay link {Link} to {Peer} at {Address} created; the peer is our {Role}")]
    public static partial void LinkCreated(ILogger logger, uint link, string peer, IPEndPoint address, RelayPeerRole role);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "relay link {Link}: the peer is now our {Role}")]
    public static partial void RoleChanged(ILogger logger, uint link, RelayPeerRole role);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "relay link {Link} to {Peer} removed")]
    public static partial void LinkRemoved(ILogger logger, uint link, string peer);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "relay link {Link} to {Peer} is down: no authenticated datagram for {Seconds} s")]
    public static partial void LinkDown(ILogger logger, uint link, string peer, double seconds);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "relay link {Link} to {Peer} is up, RTT {RttMs} ms")]
    public static partial void LinkUp(ILogger logger, uint link, string peer, double rttMs);
}
