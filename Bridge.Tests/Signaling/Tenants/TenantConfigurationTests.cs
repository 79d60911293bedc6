using BridgeRelay.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Signaling.Assignment;
using Signaling.Hosting;
using Signaling.Tenants;

namespace Bridge.Tests.Signaling.Tenants;

/// <summary>Signaling:Tenants: bound from configuration, checked at start naming the key, applied as the tenant layer of the room policies.</summary>
public class TenantConfigurationTests
{
    private static readonly string[] Keys =
    [
        "Signaling:Tenants",
        "Signaling:Tenants:acme",
        "Signaling:Tenants:acme:JwtSecret",
        "Signaling:Tenants:acme:MaxParticipants",
        "Signaling:Tenants:globex:VisitorsEnabled",
    ];

    [Fact]
    public void Per_tenant_keys_are_known_and_a_misspelt_one_is_named()
    {
        Assert.Empty(ConfigurationKeys.Unknown(SignalingOptions.Section, Keys, typeof(SignalingOptions)));

        var unknown = ConfigurationKeys.Unknown(SignalingOptions.Section, [.. Keys, "Signaling:Tenants:acme:JwtSecrte", "Signaling:Tenants:globex:Limits:Max"], typeof(SignalingOptions));

        Assert.Equal(["Signaling:Tenants:acme:JwtSecrte", "Signaling:Tenants:globex:Limits"], unknown);
    }

    [Theory]
    [InlineData("acme", "short-secret", null, "Signaling:Tenants:acme:JwtSecret must be at least 32 bytes")]
    [InlineData("acme", "", null, "Signaling:Tenants:acme:JwtSecret must be at least 32 bytes")]
    [InlineData("acme", null, -1, "Signaling:Tenants:acme:MaxParticipants must be 0..10000, got -1")]
    [InlineData("Acme", null, null, "Signaling:Tenants:Acme must be a tenant name: 1-64 of a-z 0-9 . _ - (lower case, as in room names)")]
    [InlineData("a/b", null, null, "Signaling:Tenants:a/b must be a tenant name: 1-64 of a-z 0-9 . _ - (lower case, as in room names)")]
    public void A_bad_tenant_setting_is_refused_naming_the_key(string tenant, string? secret, int? max, string message)
    {
        var options = new SignalingOptions { Tenants = { [tenant] = new TenantOptions { JwtSecret = secret, MaxParticipants = max } } };

        var result = new SignalingOptionsValidator().Validate(null, options);

        Assert.Equal([message], result.Failures);
    }

    [Fact]
    public void A_32_byte_secret_is_enough_counted_in_utf8_bytes()
    {
        var ok = new SignalingOptions { Tenants = { ["acme"] = new TenantOptions { JwtSecret = new string('x', 32) } } };
        Assert.True(new SignalingOptionsValidator().Validate(null, ok).Succeeded);

        // 16 characters, 32 bytes of UTF-8.
        var twoByte = new SignalingOptions { Tenants = { ["acme"] = new TenantOptions { JwtSecret = new string('é', 16) } } };
        Assert.True(new SignalingOptionsValidator().Validate(null, twoByte).Succeeded);
        var tooShort = new SignalingOptions { Tenants = { ["acme"] = new TenantOptions { JwtSecret = new string('x', 31) } } };
        Assert.False(new SignalingOptionsValidator().Validate(null, tooShort).Succeeded);
    }

    [Fact]
    public async Task Keys_from_the_configuration_bind_and_set_the_tenant_policy()
    {
        await using var app = SignalingHost.Build(
        [
            "--Signaling:Url=http://127.0.0.1:0",
            $"--Signaling:Tenants:acme:JwtSecret={Tokens.Secret}",
            "--Signaling:Tenants:acme:MaxParticipants=5",
            "--Signaling:Tenants:globex:VisitorsEnabled=false",
        ]);

        var options = app.Services.GetRequiredService<SignalingOptions>();
        Assert.Equal(Tokens.Secret, options.Tenants["acme"].JwtSecret);
        var policies = app.Services.GetRequiredService<RoomPolicies>();
        Assert.Equal(new RoomPolicy { MaxParticipants = 5, VisitorsEnabled = true }, policies.Resolve(RoomName.Parse("acme/x")));
        Assert.Equal(new RoomPolicy { MaxParticipants = 30, VisitorsEnabled = false }, policies.Resolve(RoomName.Parse("globex/x")));
        Assert.Equal(RoomPolicy.Default, policies.Resolve(RoomName.Parse("initech/x")));
        var access = app.Services.GetRequiredService<TenantAccess>();
        Assert.True(access.IsSecured("acme"));
        Assert.False(access.IsSecured("globex"));
    }

    [Fact]
    public void A_short_secret_from_the_configuration_stops_the_build_with_its_key()
    {
        var e = Assert.Throws<OptionsValidationException>(() => SignalingHost.Build(["--Signaling:Tenants:acme:JwtSecret=too-short"]));

        Assert.Equal(["Signaling:Tenants:acme:JwtSecret must be at least 32 bytes"], e.Failures);
    }
}
