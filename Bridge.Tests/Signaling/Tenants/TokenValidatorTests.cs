using System.Text;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Signaling.Assignment;
using Signaling.Tenants;

namespace Bridge.Tests.Signaling.Tenants;

/// <summary>HS256 tokens of a tenant: real tokens signed with the JsonWebTokens library, checked against an injected clock.</summary>
public class TokenValidatorTests
{
    private const string Secret = "acme-secret-0123456789-0123456789-abcdef";
    private static readonly RoomName Room = RoomName.Parse("acme/town-hall");
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static string Token(Dictionary<string, object> claims, string secret = Secret, string algorithm = SecurityAlgorithms.HmacSha256, TimeSpan? expiresIn = null, TimeSpan? notBeforeIn = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            IssuedAt = Now.UtcDateTime,
            NotBefore = (Now + (notBeforeIn ?? TimeSpan.FromMinutes(-1))).UtcDateTime,
            Expires = (Now + (expiresIn ?? TimeSpan.FromHours(1))).UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), algorithm),
        });

    private static TokenValidator Validator(FakeTimeProvider? time = null) => new(time ?? new FakeTimeProvider(Now));

    [Fact]
    public async Task A_valid_token_for_the_room_grants_moderator_rights_by_its_claim()
    {
        var (grant, error) = await Validator().ValidateAsync(Token(new() { ["room"] = "town-hall", ["moderator"] = true, ["sub"] = "u-1", ["name"] = "Ann" }), Secret, Room);
        Assert.Null(error);
        Assert.Equal(new TokenGrant(true, "u-1", "Ann"), grant);

        (grant, error) = await Validator().ValidateAsync(Token(new() { ["room"] = "*" }), Secret, Room);
        Assert.Null(error);
        Assert.Equal(new TokenGrant(false, null, null), grant);
    }

    [Fact]
    public async Task Jitsi_style_context_user_claims_are_read()
    {
        var context = new Dictionary<string, object> { ["user"] = new Dictionary<string, object> { ["name"] = "Zoë", ["moderator"] = "true" } };
        var (grant, _) = await Validator().ValidateAsync(Token(new() { ["room"] = "acme/town-hall", ["context"] = context }), Secret, Room);
        Assert.Equal(new TokenGrant(true, null, "Zoë"), grant);
    }

    [Theory]
    [InlineData("other-room", "not for room acme/town-hall")]
    [InlineData("other/town-hall", "not for room")]
    public async Task A_token_for_another_room_is_refused(string roomClaim, string expected)
    {
        var (grant, error) = await Validator().ValidateAsync(Token(new() { ["room"] = roomClaim }), Secret, Room);
        Assert.Null(grant);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_for_another_tenant_or_without_a_room_is_refused()
    {
        Assert.Contains("tenant acme", (await Validator().ValidateAsync(Token(new() { ["room"] = "*", ["tenant"] = "globex" }), Secret, Room)).Error, StringComparison.Ordinal);
        Assert.Contains("not for room", (await Validator().ValidateAsync(Token(new() { ["moderator"] = true }), Secret, Room)).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expired_and_not_yet_valid_tokens_are_refused_by_the_injected_clock()
    {
        var time = new FakeTimeProvider(Now);
        var token = Token(new() { ["room"] = "*" }, expiresIn: TimeSpan.FromMinutes(5));
        Assert.Null((await Validator(time).ValidateAsync(token, Secret, Room)).Error);
        time.Advance(TimeSpan.FromMinutes(6));
        Assert.Contains("expired", (await Validator(time).ValidateAsync(token, Secret, Room)).Error, StringComparison.Ordinal);

        var early = Token(new() { ["room"] = "*" }, notBeforeIn: TimeSpan.FromMinutes(10));
        Assert.Contains("not valid yet", (await Validator().ValidateAsync(early, Secret, Room)).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_secret_or_algorithm_is_refused()
    {
        Assert.Contains("signature", (await Validator().ValidateAsync(Token(new() { ["room"] = "*" }, secret: "another-secret-0123456789-0123456789-ab"), Secret, Room)).Error, StringComparison.Ordinal);
        var hs512 = Token(new() { ["room"] = "*" }, secret: Secret + Secret, algorithm: SecurityAlgorithms.HmacSha512);
        Assert.NotNull((await Validator().ValidateAsync(hs512, Secret + Secret, Room)).Error);
    }

    [Fact]
    public async Task Garbage_and_unsigned_tokens_are_refused_without_an_exception()
    {
        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor { Claims = new Dictionary<string, object> { ["room"] = "*" }, Expires = Now.AddHours(1).UtcDateTime });
        var random = new Random(7);
        var inputs = new List<string?> { null, "", "a", "a.b", "a.b.c", "..", "eyJ.eyJ.sig", unsigned, new string('x', 4096) };
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(1, 300)];
            random.NextBytes(bytes);
            inputs.Add(Encoding.Latin1.GetString(bytes));
        }

        var valid = Token(new() { ["room"] = "*" });
        for (var i = 0; i < 100; i++)
        {
            var chars = valid.ToCharArray();
            chars[random.Next(chars.Length)] = (char)random.Next(33, 127);
            inputs.Add(new string(chars));
        }

        foreach (var input in inputs)
        {
            var (grant, error) = await Validator().ValidateAsync(input, Secret, Room);
            if (input != valid && grant is not null)
            {
                // A bit flip may land in a base64 padding bit that decodes to the same bytes; then it is the same token.
                Assert.Equal(Convert.FromBase64String(Pad(input!.Split('.')[2])), Convert.FromBase64String(Pad(valid.Split('.')[2])));
                continue;
            }

            Assert.True(grant is null || input == valid, $"accepted: {input}");
            Assert.True(grant is not null || error is not null);
        }
    }

    private static string Pad(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - (s.Length % 4)) % 4);
    }
}
