using Signaling.Federation;

namespace Bridge.Tests.Signaling.Federation;

/// <summary>The bus contract against a real redis-server started by the fixture on loopback.</summary>
[Trait("Category", "Redis")]
public sealed class RedisFederationBusContractTests(RedisServerFixture redis) : FederationBusContract, IClassFixture<RedisServerFixture>
{
    protected override async Task<IFederationBus> CreateBusCoreAsync(long maxLength) =>
        await RedisFederationBus.ConnectAsync(new RedisFederationBusOptions(redis.ConnectionString) { MaxStreamLength = maxLength });
}
