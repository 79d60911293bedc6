using Signaling.Protocol;

namespace Bridge.Tests.Signaling.Protocol;

public class ClientProtocolStateTests
{
    private static readonly JoinMessage Join = Assert.IsType<JoinMessage>(ClientMessageParserTests.Accept("""{"v":1,"type":"join","id":"j","room":"t/r","name":"A"}"""));
    private static readonly OfferMessage Offer = new("o", "v=0\r\n");
    private static readonly MediaMessage Media = new("m", true, false);

    [Fact]
    public void Room_requests_before_join_are_not_joined_with_the_request_id()
    {
        var state = new ClientProtocolState();

        Assert.Equal(ErrorCode.NotJoined, state.Admit(Offer)?.Code);
        Assert.Equal("m", state.Admit(Media)?.InReplyTo);
        Assert.Equal(ErrorCode.NotJoined, state.Admit(new LeaveMessage(null))?.Code);
        Assert.Null(state.Admit(new PingMessage("p")));
        Assert.Equal(SessionPhase.AwaitingJoin, state.Phase);
    }

    [Fact]
    public void Offer_waits_for_the_servers_joined()
    {
        var state = new ClientProtocolState();
        Assert.Null(state.Admit(Join));
        Assert.Equal(SessionPhase.Joining, state.Phase);
        Assert.Equal(ErrorCode.NotJoined, state.Admit(Offer)?.Code);

        state.MarkJoined();
        Assert.Null(state.Admit(Offer));
        Assert.Null(state.Admit(Media));
        Assert.Null(state.Admit(new PingMessage(null)));
    }

    [Fact]
    public void A_second_join_is_already_joined_and_not_fatal()
    {
        var state = new ClientProtocolState();
        state.Admit(Join);
        var pending = state.Admit(Join);
        state.MarkJoined();
        var joined = state.Admit(Join);

        Assert.Equal(ErrorCode.AlreadyJoined, pending?.Code);
        Assert.Equal(ErrorCode.AlreadyJoined, joined?.Code);
        Assert.Equal("j", joined?.InReplyTo);
        Assert.False(joined?.Fatal);
    }

    [Fact]
    public void After_leave_only_ping_is_admitted()
    {
        var state = new ClientProtocolState();
        state.Admit(Join);
        state.MarkJoined();

        Assert.Null(state.Admit(new LeaveMessage("l")));
        Assert.Equal(SessionPhase.Left, state.Phase);
        Assert.Equal(ErrorCode.NotJoined, state.Admit(Offer)?.Code);
        Assert.Equal(ErrorCode.NotJoined, state.Admit(Join)?.Code);
        Assert.Null(state.Admit(new PingMessage(null)));
    }

    [Fact]
    public void MarkJoined_without_a_pending_join_is_a_server_bug()
    {
        Assert.Throws<InvalidOperationException>(() => new ClientProtocolState().MarkJoined());
    }
}
