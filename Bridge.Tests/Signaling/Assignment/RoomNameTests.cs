using Signaling.Assignment;

namespace Bridge.Tests.Signaling.Assignment;

public class RoomNameTests
{
    [Theory]
    [InlineData("acme/standup")]
    [InlineData("a/b")]
    [InlineData("t-1.x_y/r-2.z_w")]
    [InlineData("acme/..x")]
    public void Valid_names_parse_into_tenant_and_room(string text)
    {
        var name = RoomName.Parse(text);
        Assert.Equal(text, name.ToString());
        Assert.Equal(text[..text.IndexOf('/', StringComparison.Ordinal)], name.Tenant);
        Assert.Equal(text[(text.IndexOf('/', StringComparison.Ordinal) + 1)..], name.Room);
    }

    [Fact]
    public void Sixty_four_characters_per_part_is_the_limit()
    {
        var max = new string('a', 64);
        Assert.Equal(max, RoomName.Parse($"{max}/{max}").Room);
        Assert.False(RoomName.TryParse($"{max}a/room", out _, out _));
        Assert.False(RoomName.TryParse($"tenant/{max}a", out _, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("noslash")]
    [InlineData("/room")]
    [InlineData("tenant/")]
    [InlineData("/")]
    [InlineData("a/b/c")]
    [InlineData("Acme/room")]
    [InlineData("acme/Room")]
    [InlineData("acme/ro om")]
    [InlineData("acme/räum")]
    [InlineData("acme/room\n")]
    [InlineData("../room")]
    [InlineData("acme/.")]
    [InlineData("acme/..")]
    [InlineData("acme/a%2fb")]
    public void Invalid_names_are_refused_with_a_typed_error(string text)
    {
        Assert.False(RoomName.TryParse(text, out var name, out var error));
        Assert.Null(name);
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.DoesNotContain('\n', error);
        var ex = Assert.Throws<AssignmentException>(() => RoomName.Parse(text));
        Assert.Equal(AssignmentError.InvalidRoomName, ex.Error);
    }

    [Fact]
    public void Null_is_refused()
    {
        Assert.False(RoomName.TryParse(null, out _, out var error));
        Assert.NotNull(error);
        Assert.Equal(AssignmentError.InvalidRoomName, Assert.Throws<AssignmentException>(() => RoomName.Parse(null)).Error);
    }

    [Fact]
    public void Names_compare_by_value()
    {
        Assert.Equal(RoomName.Parse("acme/x"), RoomName.Parse("acme/x"));
        Assert.NotEqual(RoomName.Parse("acme/x"), RoomName.Parse("acme/y"));
        Assert.NotEqual(RoomName.Parse("acme/x"), RoomName.Parse("other/x"));
    }

    [Fact]
    public void Random_text_never_throws_from_TryParse_and_only_valid_names_parse()
    {
        var random = new Random(1234);
        const string alphabet = "ab09._-/A Z\u00e9\0\n%";
        var accepted = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var chars = new char[random.Next(0, 140)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = random.Next(8) == 0 ? (char)random.Next(0, 0x3000) : alphabet[random.Next(alphabet.Length)];
            }

            var text = new string(chars);
            if (RoomName.TryParse(text, out var name, out _))
            {
                accepted++;
                Assert.Equal(text, name.ToString());
                Assert.All(new[] { name.Tenant, name.Room }, part =>
                {
                    Assert.InRange(part.Length, 1, 64);
                    Assert.All(part, c => Assert.True(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-'));
                });
            }
        }

        Assert.InRange(accepted, 1, 19_999);
    }
}
