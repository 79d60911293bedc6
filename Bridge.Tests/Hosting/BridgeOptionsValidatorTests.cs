using Bridge.Hosting;
using Microsoft.Extensions.Options;

namespace Bridge.Tests.Hosting;

public sealed class BridgeOptionsValidatorTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        Assert.True(new BridgeOptionsValidator().Validate(null, new BridgeOptions()).Succeeded);
    }

    [Theory]
    [InlineData("MediaPort", "70000", "Bridge:MediaPort must be 0..65535")]
    [InlineData("MediaBindAddress", "localhost", "Bridge:MediaBindAddress must be an IP address")]
    [InlineData("ApiUrl", "ftp://x", "Bridge:ApiUrl must be an http(s) URL")]
    [InlineData("ApiSecret", "short", "Bridge:ApiSecret must be at least 16 characters")]
    [InlineData("VideoPacketCacheSize", "500", "Bridge:VideoPacketCacheSize must be a power of two")]
    [InlineData("ConsentTimeoutSeconds", "1", "Bridge:ConsentTimeoutSeconds must be 5..300")]
    [InlineData("MaxConcurrentHandshakes", "0", "Bridge:MaxConcurrentHandshakes must be 1..10000, got 0")]
    [InlineData("ReceiveLoops", "65", "Bridge:ReceiveLoops must be 0 (one per core) to 64, got 65")]
    [InlineData("ReceiveLoops", "-1", "Bridge:ReceiveLoops must be 0 (one per core) to 64, got -1")]
    [InlineData("CapacityPacketsPerSecond", "99", "Bridge:CapacityPacketsPerSecond must be 0 (100000 per media loop) or 100..100000000, got 99")]
    [InlineData("CapacityPacketsPerSecond", "-1", "Bridge:CapacityPacketsPerSecond must be 0 (100000 per media loop) or 100..100000000, got -1")]
    public void Bad_values_fail_start_up_naming_the_key(string key, string value, string message)
    {
        // Validation runs before anything binds a port.
        var ex = Assert.Throws<OptionsValidationException>(() => BridgeHost.Build([$"--Bridge:{key}={value}"]));
        Assert.Contains(ex.Failures, f => f.StartsWith(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, 1, 100_000)]
    [InlineData(0, 8, 800_000)]
    [InlineData(250_000, 8, 250_000)]
    public void Capacity_defaults_to_100000_packets_per_second_per_media_loop(int configured, int loops, int effective)
    {
        var options = new BridgeOptions { CapacityPacketsPerSecond = configured, ReceiveLoops = loops };
        Assert.True(new BridgeOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(effective, options.EffectiveCapacityPacketsPerSecond);
    }

    [Fact]
    public void Process_exits_with_code_2_and_names_the_key()
    {
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        try
        {
            Assert.Equal(2, Program.Main(["--Bridge:KeyframeRequestIntervalMs=0"]));
        }
        finally
        {
            Console.SetError(previous);
        }
        Assert.Contains("configuration error: Bridge:KeyframeRequestIntervalMs must be 10..10000, got 0", error.ToString(), StringComparison.Ordinal);
    }
}
