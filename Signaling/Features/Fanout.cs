using Signaling.Clients;
using Signaling.Protocol;

namespace Signaling.Features;

/// <summary>Pushes one message to a room's members, written once: 10,000 visitors must not cost 10,000 serializations.</summary>
internal static class Fanout
{
    /// <summary>Queues <paramref name="message"/> for every one of <paramref name="members"/> and <paramref name="visitors"/>.</summary>
    public static bool Send(ServerMessage message, IReadOnlyList<RoomMember> members, IReadOnlyList<RoomMember> visitors)
    {
        var frame = ServerMessageWriter.Write(message);
        foreach (var m in members)
        {
            m.Connection.SendFrame(frame);
        }

        foreach (var v in visitors)
        {
            v.Connection.SendFrame(frame);
        }

        return true;
    }
}
