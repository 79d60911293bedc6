using Bridge.Client;
using Bridge.Dtls;
using Bridge.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Bridge.Tests.Integration;

/// <summary>Endpoints expire when ICE never completes, when DTLS fails, and when consent checks stop (RFC 7675).</summary>
public sealed class EndpointLifetimeTests
{
    [Fact]
    public async Task Consent_checks_keep_an_endpoint_and_their_absence_expires_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bridge = await TestBridge.StartAsync(o => o.ConsentTimeoutSeconds = 30, time);
        var (kept, _) = await bridge.ConnectPeerAsync("room", "kept", publish: false);
        var (lost, _) = await bridge.ConnectPeerAsync("room", "lost", publish: false);
        using var _k = kept;
        using var _l = lost;
        await bridge.WaitSecureAsync("room", "kept", "lost");

        time.Advance(TimeSpan.FromSeconds(20));
        var consentBefore = bridge.Counters.PacketsIn;
        kept.SendConsentCheck();
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => bridge.Counters.PacketsIn > consentBefore, TimeSpan.FromSeconds(5)));
        await Task.Delay(50);
        time.Advance(TimeSpan.FromSeconds(11));

        Assert.True(await SimulatedPeer.WaitUntilAsync(() => bridge.Counters.ConsentExpirations == 1, TimeSpan.FromSeconds(5)));
        Assert.Null(await bridge.StateAsync("room", "lost"));
        Assert.Equal("secure", await bridge.StateAsync("room", "kept"));

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => bridge.Counters.ConsentExpirations == 2, TimeSpan.FromSeconds(5)));
        Assert.Null(await bridge.StateAsync("room", "kept"));
    }

    [Fact]
    public async Task An_endpoint_whose_ice_never_completes_expires_as_an_ice_failure()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var bridge = await TestBridge.StartAsync(o => o.ConnectTimeoutSeconds = 10, time);
        using var peer = new SimulatedPeer();
        await bridge.CreateEndpointAsync("room", "silent", "receiver");
        await bridge.NegotiateAsync("room", "silent", peer.CreateOffer(publish: false));
        time.Advance(TimeSpan.FromSeconds(9));
        await Task.Delay(100);
        Assert.Equal("negotiated", await bridge.StateAsync("room", "silent"));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => bridge.Counters.IceFailures == 1, TimeSpan.FromSeconds(5)));
        Assert.Null(await bridge.StateAsync("room", "silent"));
    }

    [Fact]
    public async Task A_peer_whose_certificate_does_not_match_its_sdp_fingerprint_is_refused()
    {
        await using var bridge = await TestBridge.StartAsync();
        using var peer = new SimulatedPeer(offeredCertificate: DtlsCertificate.CreateSelfSigned("someone-else"));
        var info = await bridge.CreateEndpointAsync("room", "forger", "sender");
        await bridge.NegotiateAsync("room", "forger", peer.CreateOffer(publish: true));
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => peer.ConnectAsync(bridge.MediaEndPoint, info.IceUfrag, info.IcePwd, info.Fingerprint, TimeSpan.FromSeconds(5)));
        Assert.True(ex is DtlsHandshakeException or OperationCanceledException, ex.ToString());
        Assert.True(await SimulatedPeer.WaitUntilAsync(() => bridge.Counters.DtlsFailures == 1, TimeSpan.FromSeconds(5)));
        Assert.Null(await bridge.StateAsync("room", "forger"));
    }

    [Fact]
    public async Task A_peer_that_closes_dtls_is_expired_at_once()
    {
        await using var bridge = await TestBridge.StartAsync();
        var (peer, _) = await bridge.ConnectPeerAsync("room", "leaving", publish: false);
        await bridge.WaitSecureAsync("room", "leaving");
        peer.Dispose(); // sends close_notify
        var gone = false;
        for (var i = 0; i < 100 && !gone; i++)
        {
            gone = await bridge.StateAsync("room", "leaving") is null;
            await Task.Delay(gone ? 0 : 50);
        }
        Assert.True(gone, "endpoint still present after close_notify");
        Assert.Equal(0, bridge.Counters.ConsentExpirations);
    }
}
