using Signaling.Clients;
using Signaling.Features.Chat;
using Signaling.Features.Hands;
using Signaling.Features.Live;
using Signaling.Features.Polls;
using Signaling.Features.Reactions;
using Signaling.Protocol;

namespace Signaling.Features;

/// <summary>Hands a joined client's feature requests (<c>chat.*</c>, <c>reaction.*</c>, <c>mod.*</c>) to their feature.</summary>
internal sealed class ConferenceFeatures(ChatService chat, ReactionService reactions, HandService hands, LiveService live, PollService polls)
{
    /// <summary>Raised hands and promotion tickets.</summary>
    public HandService Hands => hands;

    /// <summary>The live room's holds.</summary>
    public LiveService Live => live;

    /// <summary>Right after <paramref name="member"/>'s <c>joined</c>: what features tell a joiner (a moderator's queue of hands, a live room's state).</summary>
    public void Joined(Room room, RoomMember member)
    {
        hands.Welcome(room, member);
        live.Welcome(room, member);
    }

    /// <summary>After <paramref name="member"/> left <paramref name="room"/>: its raised hand goes.</summary>
    public void Left(Room room, RoomMember member) => hands.Left(room, member);

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
            case HandRaiseMessage raise:
                hands.RaiseOrLower(room, member, raise.Id, raise: true);
                break;
            case HandLowerMessage lower:
                hands.RaiseOrLower(room, member, lower.Id, raise: false);
                break;
            case ModDecideMessage decide:
                hands.Decide(room, member, decide);
                break;
            case ModGoLiveMessage goLive:
                live.GoLive(room, member, goLive);
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

    /// <summary>
    /// Refuses (non-fatal <c>forbidden</c>, "only a moderator ... may <paramref name="action"/>") a moderator request that is
    /// not from a moderator or not on the main node (<paramref name="main"/> null), where such decisions are made; true when it refused.
    /// </summary>
    public static bool RefuseUnlessMainModerator([System.Diagnostics.CodeAnalysis.NotNullWhen(false)] object? main, RoomMember member, string action, string? requestId)
    {
        ArgumentNullException.ThrowIfNull(member);
        if (main is not null && member.Moderator)
        {
            return false;
        }
        member.Connection.Send(Forbidden($"only a moderator of the main room may {action}", requestId));
        return true;
    }

    /// <summary>A non-fatal <c>forbidden</c>: the request is refused, the connection stays.</summary>
    public static ErrorMessage Forbidden(string message, string? inReplyTo) => new(ErrorCode.Forbidden, message, inReplyTo, Fatal: false);
}
