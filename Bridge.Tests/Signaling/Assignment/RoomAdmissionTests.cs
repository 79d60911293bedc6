using Signaling.Assignment;

namespace Bridge.Tests.Signaling.Assignment;

public class RoomAdmissionTests
{
    private static readonly RoomName Room = RoomName.Parse("acme/town-hall");

    private static RoomAdmission NewRoom(int max = 3, bool visitors = true) =>
        new(Room, new RoomPolicy { MaxParticipants = max, VisitorsEnabled = visitors });

    private static AdmissionDecision Join(RoomAdmission room, string user, bool wantsVisitor = false) =>
        room.Decide(new JoinRequest(user, wantsVisitor));

    [Fact]
    public void Defaults_are_thirty_participants_with_visitors()
    {
        Assert.Equal(30, RoomPolicy.Default.MaxParticipants);
        Assert.True(RoomPolicy.Default.VisitorsEnabled);
        var room = new RoomAdmission(Room, RoomPolicy.Default);
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(AdmissionRole.Participant, Join(room, $"u{i}").Role);
        }

        Assert.Equal(new AdmissionDecision(AdmissionRole.Visitor, AdmissionReason.OverLimit), Join(room, "u30"));
    }

    [Fact]
    public void Exactly_N_participants_then_visitors()
    {
        var room = NewRoom(max: 3);
        var decisions = Enumerable.Range(0, 6).Select(i => Join(room, $"u{i}")).ToList();

        Assert.All(decisions.Take(3), d => Assert.Equal(new AdmissionDecision(AdmissionRole.Participant, AdmissionReason.UnderLimit), d));
        Assert.Equal(new AdmissionDecision(AdmissionRole.Visitor, AdmissionReason.OverLimit), decisions[3]);
        Assert.All(decisions.Skip(4), d => Assert.Equal(new AdmissionDecision(AdmissionRole.Visitor, AdmissionReason.VisitorsInUse), d));
        Assert.Equal(3, room.ParticipantCount);
        Assert.True(room.VisitorsUsed);
        Assert.Equal(3, room.Redirects);
        Assert.Equal(0, room.Refusals);
        Assert.Equal("over-limit", decisions[3].ReasonCode);
        Assert.Equal("visitors-in-use", decisions[5].ReasonCode);
    }

    [Fact]
    public void Asking_to_be_a_visitor_gives_a_visitor_without_taking_a_seat_or_switching_the_room()
    {
        var room = NewRoom(max: 2);
        var asked = Join(room, "viewer", wantsVisitor: true);

        Assert.Equal(new AdmissionDecision(AdmissionRole.Visitor, AdmissionReason.AskedVisitor), asked);
        Assert.Equal("asked-visitor", asked.ReasonCode);
        Assert.False(room.VisitorsUsed);
        Assert.Equal(AdmissionRole.Participant, Join(room, "a").Role);
        Assert.Equal(AdmissionRole.Participant, Join(room, "b").Role);
        Assert.Equal(AdmissionRole.Visitor, Join(room, "c").Role);
        Assert.Equal(AdmissionReason.AskedVisitor, Join(room, "d", wantsVisitor: true).Reason);
    }

    [Fact]
    public void Rejoin_of_a_seated_user_keeps_its_single_seat()
    {
        var room = NewRoom(max: 2);
        Join(room, "a");
        Assert.Equal(new AdmissionDecision(AdmissionRole.Participant, AdmissionReason.Rejoin), Join(room, "a"));
        Assert.Equal(1, room.ParticipantCount);
        Assert.Equal(AdmissionReason.UnderLimit, Join(room, "b").Reason);
        Assert.Equal(AdmissionRole.Visitor, Join(room, "c").Role);
        Assert.Equal(AdmissionReason.Rejoin, Join(room, "a").Reason);
    }

    [Fact]
    public void Leave_before_visitors_are_used_frees_the_seat()
    {
        var room = NewRoom(max: 2);
        Join(room, "a");
        Join(room, "b");
        Assert.True(room.Leave("a"));
        Assert.False(room.Leave("a"));

        Assert.Equal(new AdmissionDecision(AdmissionRole.Participant, AdmissionReason.UnderLimit), Join(room, "c"));
        Assert.Equal(2, room.ParticipantCount);
        Assert.False(room.VisitorsUsed);
    }

    [Fact]
    public void Leave_after_visitors_are_used_does_not_hand_the_seat_to_the_next_joiner()
    {
        var room = NewRoom(max: 2);
        Join(room, "a");
        Join(room, "b");
        Assert.Equal(AdmissionReason.OverLimit, Join(room, "c").Reason);
        Assert.True(room.Leave("a"));

        Assert.Equal(1, room.ParticipantCount);
        Assert.Equal(new AdmissionDecision(AdmissionRole.Visitor, AdmissionReason.VisitorsInUse), Join(room, "d"));
        Assert.Equal(new AdmissionDecision(AdmissionRole.Visitor, AdmissionReason.VisitorsInUse), Join(room, "a"));
        Assert.Equal(AdmissionReason.Rejoin, Join(room, "b").Reason);
    }

    [Fact]
    public void A_promotion_ticket_admits_its_user_once_beyond_the_limit()
    {
        var room = NewRoom(max: 1);
        Join(room, "a");
        Assert.Equal(AdmissionRole.Visitor, Join(room, "hand").Role);

        Assert.True(room.Promote("hand"));
        Assert.False(room.Promote("hand"));
        Assert.Equal(AdmissionRole.Visitor, Join(room, "someone-else").Role);
        var promoted = Join(room, "hand");
        Assert.Equal(new AdmissionDecision(AdmissionRole.Participant, AdmissionReason.Promoted), promoted);
        Assert.Equal("promoted", promoted.ReasonCode);
        Assert.Equal(2, room.ParticipantCount);
        Assert.True(room.IsParticipant("hand"));

        // The ticket is used up: after leaving, the user is a visitor again like everyone else.
        Assert.True(room.Leave("hand"));
        Assert.Equal(AdmissionReason.VisitorsInUse, Join(room, "hand").Reason);
    }

    [Fact]
    public void Promotion_of_a_seated_user_issues_no_ticket_and_duplicate_promotions_give_one_ticket()
    {
        var room = NewRoom(max: 1);
        Join(room, "a");
        Assert.False(room.Promote("a"));
        Join(room, "v");
        Assert.True(room.Promote("v"));
        Assert.False(room.Promote("v"));
        Assert.Equal(AdmissionReason.Promoted, Join(room, "v").Reason);
        room.Leave("v");
        Assert.Equal(AdmissionRole.Visitor, Join(room, "v").Role);
    }

    [Fact]
    public void A_ticket_survives_a_join_that_asks_to_be_a_visitor()
    {
        var room = NewRoom(max: 1);
        Join(room, "a");
        Join(room, "v");
        room.Promote("v");
        Assert.Equal(AdmissionReason.AskedVisitor, Join(room, "v", wantsVisitor: true).Reason);
        Assert.Equal(AdmissionReason.Promoted, Join(room, "v").Reason);
    }

    [Fact]
    public void Visitors_disabled_refuses_beyond_the_limit_as_room_full_and_never_redirects()
    {
        var room = NewRoom(max: 2, visitors: false);
        Join(room, "a");
        Join(room, "b");
        var refused = Join(room, "c");

        Assert.Equal(new AdmissionDecision(AdmissionRole.Refused, AdmissionReason.RoomFull), refused);
        Assert.Equal("room-full", refused.ReasonCode);
        Assert.Equal(new AdmissionDecision(AdmissionRole.Refused, AdmissionReason.VisitorsDisabled), Join(room, "d", wantsVisitor: true));
        Assert.Equal("visitors-disabled", Join(room, "d", wantsVisitor: true).ReasonCode);
        Assert.False(room.VisitorsUsed);
        Assert.Equal(0, room.Redirects);
        Assert.Equal(3, room.Refusals);

        // Without visitors a freed seat is always handed out again.
        room.Leave("a");
        Assert.Equal(AdmissionReason.UnderLimit, Join(room, "c").Reason);
    }

    [Fact]
    public void Zero_participants_sends_everyone_to_visitors()
    {
        var room = NewRoom(max: 0);
        Assert.Equal(AdmissionReason.OverLimit, Join(room, "a").Reason);
        Assert.Equal(AdmissionReason.VisitorsInUse, Join(room, "b").Reason);
        Assert.Equal(0, room.ParticipantCount);
    }

    [Fact]
    public void Room_override_wins_over_tenant_override_over_global_field_by_field()
    {
        var policies = new RoomPolicies(new RoomPolicy { MaxParticipants = 30, VisitorsEnabled = true });
        policies.SetTenant("acme", new RoomPolicyOverride { MaxParticipants = 50 });
        policies.SetRoom(RoomName.Parse("acme/board"), new RoomPolicyOverride { VisitorsEnabled = false });
        policies.SetRoom(RoomName.Parse("acme/webinar"), new RoomPolicyOverride { MaxParticipants = 5 });

        Assert.Equal(new RoomPolicy { MaxParticipants = 30, VisitorsEnabled = true }, policies.Resolve(RoomName.Parse("other/x")));
        Assert.Equal(new RoomPolicy { MaxParticipants = 50, VisitorsEnabled = true }, policies.Resolve(RoomName.Parse("acme/x")));
        Assert.Equal(new RoomPolicy { MaxParticipants = 50, VisitorsEnabled = false }, policies.Resolve(RoomName.Parse("acme/board")));
        Assert.Equal(new RoomPolicy { MaxParticipants = 5, VisitorsEnabled = true }, policies.Resolve(RoomName.Parse("acme/webinar")));
        Assert.Equal(new RoomPolicy { MaxParticipants = 30, VisitorsEnabled = true }, policies.Resolve(RoomName.Parse("other/webinar")));

        var webinar = new RoomAdmission(RoomName.Parse("acme/webinar"), policies.Resolve(RoomName.Parse("acme/webinar")));
        var roles = Enumerable.Range(0, 7).Select(i => webinar.Decide(new JoinRequest($"u{i}")).Role).ToList();
        Assert.Equal(5, roles.Count(r => r == AdmissionRole.Participant));
        Assert.Equal(AdmissionRole.Visitor, roles[5]);

        Assert.True(policies.ClearRoom(RoomName.Parse("acme/webinar")));
        Assert.False(policies.ClearRoom(RoomName.Parse("acme/webinar")));
        Assert.Equal(50, policies.Resolve(RoomName.Parse("acme/webinar")).MaxParticipants);
        Assert.True(policies.ClearTenant("acme"));
        Assert.Equal(30, policies.Resolve(RoomName.Parse("acme/webinar")).MaxParticipants);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Acme")]
    [InlineData("a/b")]
    [InlineData("..")]
    public void Invalid_tenant_for_an_override_is_a_typed_error(string tenant)
    {
        var policies = new RoomPolicies();
        var ex = Assert.Throws<AssignmentException>(() => policies.SetTenant(tenant, new RoomPolicyOverride { MaxParticipants = 1 }));
        Assert.Equal(AssignmentError.InvalidRoomName, ex.Error);
    }

    [Fact]
    public void Negative_limits_and_bad_user_ids_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RoomPolicy { MaxParticipants = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new RoomPolicyOverride { MaxParticipants = -1 });
        var room = NewRoom();
        Assert.Throws<ArgumentException>(() => Join(room, ""));
        Assert.Throws<ArgumentException>(() => Join(room, "bad\nid"));
        Assert.Throws<ArgumentException>(() => Join(room, new string('x', 257)));
        Assert.Throws<ArgumentNullException>(() => room.Decide(null!));
        Assert.Throws<ArgumentException>(() => room.Promote(""));
        Assert.Equal(0, room.ParticipantCount);
        Assert.Equal(AdmissionReason.UnderLimit, Join(room, new string('x', 256)).Reason);
    }
}
