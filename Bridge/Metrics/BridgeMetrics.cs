using Bridge.Conferences;
using Bridge.Registration;
using Bridge.Relay;
using BridgeRelay.Link;
using Prometheus;

namespace Bridge.Metrics;

/// <summary>
/// Exports the bridge's figures to Prometheus. The packet path only bumps plain fields in
/// <see cref="BridgeCounters"/>; this copies them into the registry when it is scraped.
/// </summary>
public sealed class BridgeMetrics
{
    private readonly BridgeCounters _counters;
    private readonly ConferenceManager _conferences;
    private readonly Gauge _conferenceCount;
    private readonly Gauge _endpointCount;
    private readonly (Counter Counter, Func<BridgeCounters, long> Read)[] _totals;
    private readonly Counter _dropped;
    private readonly DropReason[] _reasons = Enum.GetValues<DropReason>();
    private readonly RelayManager _relays;
    private readonly Gauge _relayLinks;
    private readonly Gauge _relayRtt;
    private readonly Counter _relayDropped;
    private readonly (Counter Counter, Func<RelayLink, long> Read)[] _relayTotals;
    private readonly RelayDropReason[] _relayReasons = Enum.GetValues<RelayDropReason>();
    private readonly StressMeter _stressMeter;
    private readonly ReportCounters _reportCounters;
    private readonly Gauge _stress;
    private readonly Counter _reports;
    private readonly Gauge _handshakes;

    /// <summary>Registers the bridge's metrics in its own registry.</summary>
    public BridgeMetrics(BridgeCounters counters, ConferenceManager conferences, RelayManager relays, StressMeter stress, ReportCounters reports)
    {
        _stressMeter = stress;
        _reportCounters = reports;
        _counters = counters;
        _conferences = conferences;
        _relays = relays;
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _conferenceCount = factory.CreateGauge("bridge_conferences", "Conferences on this bridge.");
        _endpointCount = factory.CreateGauge("bridge_endpoints", "Endpoints on this bridge, by role.", "role");
        _handshakes = factory.CreateGauge("bridge_dtls_handshakes", "DTLS handshakes running (each on a thread) and waiting for a slot (Bridge:MaxConcurrentHandshakes).", "state");
        _dropped = factory.CreateCounter("bridge_dropped_packets_total", "Incoming datagrams dropped, by reason.", "reason");
        _totals =
        [
            (factory.CreateCounter("bridge_packets_received_total", "Datagrams received on the media socket."), c => c.PacketsIn),
            (factory.CreateCounter("bridge_received_bytes_total", "Bytes received on the media socket."), c => c.BytesIn),
            (factory.CreateCounter("bridge_packets_sent_total", "Datagrams sent on the media socket."), c => c.PacketsOut),
            (factory.CreateCounter("bridge_sent_bytes_total", "Bytes sent on the media socket."), c => c.BytesOut),
            (factory.CreateCounter("bridge_rtp_received_total", "RTP packets accepted from publishers."), c => c.RtpIn),
            (factory.CreateCounter("bridge_rtp_forwarded_total", "RTP packets forwarded, one per receiver copy."), c => c.RtpForwarded),
            (factory.CreateCounter("bridge_retransmissions_total", "Packets resent from the cache in answer to NACKs."), c => c.Retransmissions),
            (factory.CreateCounter("bridge_retransmission_misses_total", "NACKed packets no longer cached."), c => c.RetransmissionMisses),
            (factory.CreateCounter("bridge_relay_retransmissions_total", "Packets resent from this bridge's cache to a child relay link."), c => c.RelayRetransmissions),
            (factory.CreateCounter("bridge_relay_nacks_passed_up_total", "Packets a child link NACKed that were asked for one hop further up."), c => c.RelayNacksPassedUp),
            (factory.CreateCounter("bridge_keyframe_requests_received_total", "PLI/FIR received from receivers."), c => c.KeyframeRequestsIn),
            (factory.CreateCounter("bridge_keyframe_requests_sent_total", "PLI sent to publishers after merging."), c => c.KeyframeRequestsOut),
            (factory.CreateCounter("bridge_send_errors_total", "Datagrams the kernel refused to send."), c => c.SendErrors),
            (factory.CreateCounter("bridge_ice_failures_total", "Endpoints whose ICE did not complete in time."), c => c.IceFailures),
            (factory.CreateCounter("bridge_dtls_failures_total", "Endpoints whose DTLS handshake failed."), c => c.DtlsFailures),
            (factory.CreateCounter("bridge_consent_expirations_total", "Endpoints expired because ICE consent checks stopped."), c => c.ConsentExpirations),
            (factory.CreateCounter("bridge_srtp_auth_failures_total", "SRTP/SRTCP packets failing authentication."), c => c.Dropped(DropReason.SrtpAuthFailed)),
        ];
        _relayLinks = factory.CreateGauge("bridge_relay_links", "Relay links, by state.", "state");
        _relayRtt = factory.CreateGauge("bridge_relay_rtt_seconds", "Smoothed round-trip time of each relay link.", "link", "peer");
        _relayDropped = factory.CreateCounter("bridge_relay_dropped_packets_total", "Relay datagrams dropped, by reason.", "reason");
        _relayTotals =
        [
            (factory.CreateCounter("bridge_relay_packets_received_total", "Authenticated relay datagrams received."), l => l.Counters.PacketsIn),
            (factory.CreateCounter("bridge_relay_received_bytes_total", "Bytes of authenticated relay datagrams received."), l => l.Counters.BytesIn),
            (factory.CreateCounter("bridge_relay_packets_sent_total", "Relay datagrams sent."), l => l.Counters.PacketsOut),
            (factory.CreateCounter("bridge_relay_sent_bytes_total", "Bytes of relay datagrams sent."), l => l.Counters.BytesOut),
        ];
        _stress = factory.CreateGauge("bridge_stress", "Stress over the last report interval: max(packet rate / capacity, CPU share); the figure signaling selects bridges by.");
        _reports = factory.CreateCounter("bridge_signaling_reports_total", "Stats reports sent to the signaling node, by result.", "result");
        Registry.AddBeforeCollectCallback(Update);
    }

    /// <summary>The registry served on /metrics.</summary>
    public CollectorRegistry Registry { get; }

    private void Update()
    {
        var totals = _counters.Total();
        foreach (var (counter, read) in _totals)
        {
            counter.IncTo(read(totals));
        }
        foreach (var reason in _reasons)
        {
            _dropped.WithLabels(DropReasonNames.Of(reason)).IncTo(totals.Dropped(reason));
        }
        var conferences = _conferences.Conferences;
        _conferenceCount.Set(conferences.Count);
        int senders = 0, receivers = 0;
        foreach (var conference in conferences)
        {
            foreach (var endpoint in conference.Endpoints)
            {
                _ = endpoint.Role == EndpointRole.Sender ? senders++ : receivers++;
            }
        }
        _handshakes.WithLabels("running").Set(_conferences.HandshakesRunning);
        _handshakes.WithLabels("waiting").Set(_conferences.HandshakesWaiting);
        _endpointCount.WithLabels("sender").Set(senders);
        _endpointCount.WithLabels("receiver").Set(receivers);
        UpdateRelays();
        _stress.Set(_stressMeter.Current.Stress);
        foreach (var outcome in Enum.GetValues<ReportOutcome>())
        {
            _reports.WithLabels(ReportCounters.Label(outcome)).IncTo(_reportCounters.Of(outcome));
        }
    }

    // Totals over the current links; a counter never goes back when a link is removed.
    private void UpdateRelays()
    {
        var links = _relays.Links;
        foreach (var (counter, read) in _relayTotals)
        {
            counter.IncTo(links.Sum(read));
        }
        foreach (var reason in _relayReasons)
        {
            _relayDropped.WithLabels(reason.ToString().ToLowerInvariant()).IncTo(links.Sum(l => l.Counters.DroppedBy(reason)));
        }
        var down = links.Count(l => l.Health.State == RelayLinkState.Down);
        _relayLinks.WithLabels("up").Set(links.Length - down);
        _relayLinks.WithLabels("down").Set(down);
        foreach (var link in links)
        {
            _relayRtt.WithLabels(link.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), link.PeerId).Set(link.Health.SmoothedRtt.TotalSeconds);
        }
    }
}
