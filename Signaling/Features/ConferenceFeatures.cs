using Signaling.Clients;
using Signaling.Features.Chat;
using Signaling.Features.Polls;
using Signaling.Features.Reactions;
using Signaling.Protocol;

namespace Signaling.Features;

/// <summary>Hands a joined client's feature requests (<c>chat.*</c>, <c>reaction.*</c>, <c>mod.*</c>) to their feature.</summary>
internal sealed class ConferenceFeatures(ChatService chat, ReactionService reactions, PollService polls)
{
    /// <summary>Handles <paramref name="message"/> from <paramref name="member"/> of <paramref name="room"/>; refusals go to the member only.</summary>
    public void Handle(Room room, RoomMember member, RoomFeatureMessage message)
    {
        switch (message)
        {
            case ChatSendMessage send:
                chat.Send(room, member, send);
                break;
            case ModVisitorChatMessage toggle:
                chat.SetVisitorChat(room, member, toggle);
                break;
            case ReactionSendMessage reaction:
                reactions.Add(room, member, reaction.Emoji);
                break;
            case PollCreateMessage create:
                polls.Create(room, member, create);
                break;
            case PollVoteMessage vote:
                polls.Vote(room, member, vote);
                break;
            case PollCloseMessage close:
                polls.Close(room, member, close);
                break;
        }
    }

    /// <summary>A non-fatal <c>forbidden</c>: the request is refused, the connection stays.</summary>
    public static ErrorMessage Forbidden(string message, string? inReplyTo) => new(ErrorCode.Forbidden, message, inReplyTo, Fatal: false);
}
