using Bridge.Conferences;
using Bridge.Registration;
using Bridge.Relay;
using Prometheus;

namespace Bridge.Metrics;

/// <summary>
/// The Jitsi Videobridge-compatible set (<c>jitsi_jvb_*</c>) in the bridge's registry, so dashboards and alerts written
/// for Jitsi work on this bridge where the meaning is the same (docs/metrics.md lists each and where it differs). Figures are
/// read at scrape time: stress from <see cref="StressMeter"/> (the figure signaling selects by), rates from
/// <see cref="TrafficRates"/>, RTT and loss from the endpoints' receiver reports.
/// </summary>
public sealed class JvbMetrics
{
    private readonly ConferenceManager _conferences;
    private readonly RelayManager _relays;
    private readonly StressMeter _stress;
    private readonly TrafficRates _traffic;
    private readonly BridgeCounters _counters;
    private readonly Gauge _stressLevel;
    private readonly Gauge _stressAlias;
    private readonly Gauge _conferenceCount;
    private readonly Gauge _endpoints;
    private readonly Gauge _visitors;
    private readonly Gauge _relayCount;
    private readonly Gauge _incomingPacketRate;
    private readonly Gauge _outgoingPacketRate;
    private readonly Gauge _incomingBitrate;
    private readonly Gauge _outgoingBitrate;
    private readonly Gauge _lossFraction;
    private readonly Gauge _averageRtt;
    private readonly Counter _iceFailed;
    private readonly Counter _dtlsFailed;

    /// <summary>Registers the set in <paramref name="metrics"/>' registry, updated before each scrape.</summary>
    public JvbMetrics(BridgeMetrics metrics, ConferenceManager conferences, RelayManager relays, StressMeter stress, TrafficRates traffic, BridgeCounters counters)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _conferences = conferences;
        _relays = relays;
        _stress = stress;
        _traffic = traffic;
        _counters = counters;
        var factory = Prometheus.Metrics.WithCustomRegistry(metrics.Registry);
        // Recent Jitsi Videobridge releases export the same figure as jitsi_jvb_stress: both names, so imported dashboards work.
        _stressAlias = factory.CreateGauge("jitsi_jvb_stress", "Stress, the same figure as jitsi_jvb_stress_level (the name recent Jitsi Videobridge releases use).");
        _stressLevel = factory.CreateGauge("jitsi_jvb_stress_level", "Stress: max(packet rate / capacity, CPU share), 0 idle, 1 at capacity, at most 1.5; the figure signaling selects bridges by.");
        _conferenceCount = factory.CreateGauge("jitsi_jvb_conferences", "Current conferences.");
        _endpoints = factory.CreateGauge("jitsi_jvb_endpoints", "Current endpoints on this bridge (senders and receivers; relay links not included).");
        _visitors = factory.CreateGauge("jitsi_jvb_current_visitors", "Current receive-only (visitor) endpoints.");
        _relayCount = factory.CreateGauge("jitsi_jvb_relays", "Current relay links to other bridges (up or down).");
        _incomingPacketRate = factory.CreateGauge("jitsi_jvb_incoming_packet_rate", "Datagrams received per second on the media socket (endpoints and relay links), last second.");
        _outgoingPacketRate = factory.CreateGauge("jitsi_jvb_outgoing_packet_rate", "Datagrams sent per second on the media socket (endpoints and relay links), last second.");
        _incomingBitrate = factory.CreateGauge("jitsi_jvb_incoming_bitrate", "Bits received per second on the media socket (UDP payload), last second.");
        _outgoingBitrate = factory.CreateGauge("jitsi_jvb_outgoing_bitrate", "Bits sent per second on the media socket (UDP payload), last second.");
        _lossFraction = factory.CreateGauge("jitsi_jvb_loss_fraction", "Mean fraction of the bridge's RTP lost on the way to its connected endpoints, from their latest receiver reports.");
        _averageRtt = factory.CreateGauge("jitsi_jvb_average_rtt", "Mean round-trip time to the endpoints that have one, in milliseconds (from sender/receiver reports).");
        _iceFailed = factory.CreateCounter("jitsi_jvb_endpoints_ice_failed_total", "Endpoints whose ICE did not complete in time.");
        _dtlsFailed = factory.CreateCounter("jitsi_jvb_endpoints_dtls_failed_total", "Endpoints whose DTLS handshake failed.");
        metrics.Registry.AddBeforeCollectCallback(Update);
    }

    private void Update()
    {
        var stress = _stress.Current.Stress;
        _stressLevel.Set(stress);
        _stressAlias.Set(stress);
        var conferences = _conferences.Conferences;
        _conferenceCount.Set(conferences.Count);
        int endpoints = 0, visitors = 0, connected = 0, withRtt = 0;
        double loss = 0, rtt = 0;
        foreach (var conference in conferences)
        {
            foreach (var endpoint in conference.Endpoints)
            {
                endpoints++;
                visitors += endpoint.Role == EndpointRole.Receiver ? 1 : 0;
                if (endpoint.State == EndpointState.Secure)
                {
                    connected++;
                    loss += Volatile.Read(ref endpoint.LastReportedLoss);
                }
                if (endpoint.RoundTrip.Milliseconds is > 0 and var ms)
                {
                    withRtt++;
                    rtt += ms;
                }
            }
        }
        _endpoints.Set(endpoints);
        _visitors.Set(visitors);
        _lossFraction.Set(connected == 0 ? 0 : loss / connected);
        _averageRtt.Set(withRtt == 0 ? 0 : rtt / withRtt);
        _relayCount.Set(_relays.Links.Length);
        var traffic = _traffic.Current;
        _incomingPacketRate.Set(traffic.PacketsInPerSecond);
        _outgoingPacketRate.Set(traffic.PacketsOutPerSecond);
        _incomingBitrate.Set(traffic.BitsInPerSecond);
        _outgoingBitrate.Set(traffic.BitsOutPerSecond);
        var counters = _counters.Total();
        _iceFailed.IncTo(counters.IceFailures);
        _dtlsFailed.IncTo(counters.DtlsFailures);
    }
}
