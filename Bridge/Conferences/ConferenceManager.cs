using System.Collections.Concurrent;
using System.Net;
using Bridge.Dtls;
using Bridge.Forwarding;
using Bridge.Hosting;
using Bridge.Metrics;
using Bridge.Sdp;
using Bridge.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bridge.Conferences;

/// <summary>
/// Owns conferences and endpoints and the two lookup tables the media loops use: ICE ufrag to
/// endpoint (for STUN) and remote address to endpoint (for everything else), and admits DTLS handshakes.
/// Called by the control API, the media loops (address binding) and the consent monitor.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The handshake SemaphoreSlim never hands out its wait handle, so it holds nothing to dispose; disposing it at shutdown would fault handshakes still waiting.")]
public sealed class ConferenceManager
{
    private readonly ConcurrentDictionary<string, Conference> _conferences = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Endpoint> _byUfrag = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Endpoint>.AlternateLookup<ReadOnlySpan<char>> _byUfragSpan;
    private readonly ConcurrentDictionary<SocketAddress, Endpoint> _byAddress = new();
    private readonly ConcurrentDictionary<uint, Conference> _byRelayId = new();
    private readonly BridgeOptions _options;
    private readonly DtlsCertificate _certificate;
    private readonly MediaSocket _socket;
    private readonly BridgeCounters _counters;
    private readonly TimeProvider _time;
    private readonly ILogger<ConferenceManager> _logger;
    // Each running handshake holds a thread (BouncyCastle blocks): a join wave waits here, holding none.
    private readonly SemaphoreSlim _handshakeSlots;
    private int _handshakesWaiting;

    /// <summary>Creates the manager.</summary>
    public ConferenceManager(IOptions<BridgeOptions> options, DtlsCertificate certificate, MediaSocket socket, BridgeCounters counters, TimeProvider time, ILogger<ConferenceManager> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _handshakeSlots = new SemaphoreSlim(_options.MaxConcurrentHandshakes, _options.MaxConcurrentHandshakes);
        _certificate = certificate;
        _socket = socket;
        _counters = counters;
        _time = time;
        _logger = logger;
        _byUfragSpan = _byUfrag.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The bridge's DTLS certificate (its fingerprint goes into every answer).</summary>
    public DtlsCertificate Certificate => _certificate;

    /// <summary>The media UDP port (for ICE candidates).</summary>
    public int MediaPort => _socket.LocalPort;

    /// <summary>Current conferences.</summary>
    public ICollection<Conference> Conferences => _conferences.Values;

    /// <summary>Number of endpoints in all conferences.</summary>
    public int EndpointCount => _byUfrag.Count;

    /// <summary>The conference with this id, created when missing.</summary>
    public Conference GetOrCreateConference(string id)
    {
        var conference = _conferences.GetOrAdd(id, static key => new Conference(key));
        var relayed = _byRelayId.GetOrAdd(conference.RelayId, conference);
        if (relayed != conference && relayed.Id != conference.Id)
        {
            ConferenceLog.RelayIdCollision(_logger, conference.Id, relayed.Id, conference.RelayId);
        }
        return conference;
    }

    /// <summary>The conference relay links call <paramref name="relayId"/>, or null.</summary>
    public Conference? FindByRelayId(uint relayId) => _byRelayId.GetValueOrDefault(relayId);

    /// <summary>The conference with this id, or null.</summary>
    public Conference? FindConference(string id) => _conferences.GetValueOrDefault(id);

    /// <summary>Creates an endpoint; null when the id is taken in that conference.</summary>
    public Endpoint? CreateEndpoint(Conference conference, string id, EndpointRole role, long order = Endpoint.Unordered)
    {
        ArgumentNullException.ThrowIfNull(conference);
        var endpoint = new Endpoint(conference, id, role, _time.GetTimestamp()) { Order = order };
        if (!conference.TryAdd(endpoint))
        {
            return null;
        }
        _byUfrag[endpoint.LocalUfrag] = endpoint;
        ConferenceLog.EndpointCreated(_logger, conference.Id, id, role);
        return endpoint;
    }

    /// <summary>
    /// Sets the browser's SDP offer as the endpoint's remote description and returns the bridge's
    /// answer; the DTLS handshake starts when ICE connects. Error text names what is wrong.
    /// </summary>
    public bool TryNegotiate(Endpoint endpoint, string offerSdp, out SdpAnswer? answer, out string? error)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        answer = null;
        if (endpoint.State != EndpointState.Created)
        {
            error = "remote description already set";
            return false;
        }
        if (!SdpParser.TryParseOffer(offerSdp, out var offer, out error) || offer is null)
        {
            return false;
        }

        var isSender = endpoint.Role == EndpointRole.Sender;
        // Everyone gets receive slots: a participant's offer may ask to receive the others too.
        var audioSlots = NewSlots(_options.ReceiverAudioSlots);
        var videoSlots = NewSlots(_options.ReceiverVideoSlots);
        var transport = new BridgeTransportInfo(endpoint.LocalUfrag, endpoint.LocalPassword, _certificate.FingerprintAlgorithm, _certificate.Fingerprint, _options.EffectiveAdvertisedAddress, _socket.LocalPort);
        // Receivers get no header extensions: forwarded packets carry the publisher's extension ids,
        // which mean nothing (or something else, e.g. a foreign MID) to the receiver.
        IReadOnlyCollection<string> extensions = isSender ? SenderExtensions : [];
        if (!SdpAnswerBuilder.TryBuildAnswer(offer, isSender, transport, audioSlots, videoSlots, endpoint.Id, extensions, out answer, out error) || answer is null)
        {
            return false;
        }

        var sources = isSender ? CreateSources(endpoint, answer) : [];
        if (isSender && sources.Count == 0)
        {
            error = "offer announces no SSRC for any sending audio or video section";
            answer = null;
            return false;
        }
        var dtls = new DtlsSession(_certificate, answer.BridgeIsDtlsClient ? DtlsRole.Client : DtlsRole.Server, answer.RemoteFingerprint, new EndpointDatagramSender(_socket, endpoint), _options.EffectiveSrtpProfiles, _logger);
        endpoint.SetNegotiated(answer, sources, CreateSlots(answer, MediaKind.Audio), CreateSlots(answer, MediaKind.Video), dtls);
        if (!endpoint.TryTransition(EndpointState.Negotiated))
        {
            dtls.Dispose();
            error = "endpoint expired";
            return false;
        }
        endpoint.Conference.RankSources();
        return true;
    }

    /// <summary>The endpoint whose ICE ufrag is <paramref name="ufrag"/> (no allocation), or null.</summary>
    public Endpoint? FindByUfrag(ReadOnlySpan<char> ufrag) => _byUfragSpan.TryGetValue(ufrag, out var endpoint) ? endpoint : null;

    /// <summary>The endpoint bound to this remote address, or null.</summary>
    public Endpoint? FindByAddress(SocketAddress address) => _byAddress.TryGetValue(address, out var endpoint) ? endpoint : null;

    /// <summary>Binds a remote address (a private copy) to an endpoint after a valid ICE check.</summary>
    public void BindAddress(Endpoint endpoint, SocketAddress address)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var previous = endpoint.RemoteAddress;
        _byAddress[address] = endpoint;
        endpoint.RemoteAddress = address;
        if (previous is not null && !previous.Equals(address))
        {
            _byAddress.TryRemove(new KeyValuePair<SocketAddress, Endpoint>(previous, endpoint));
        }
        if (endpoint.State == EndpointState.Negotiated && endpoint.TryTransition(EndpointState.Connected))
        {
            ConferenceLog.IceConnected(_logger, endpoint.Conference.Id, endpoint.Id, address);
            // DTLS starts only once ICE has verified the peer: a peer that never does ICE costs no
            // handshake thread, and the bridge as DTLS client knows where to send its ClientHello.
            // Started from the thread pool: the receive loop must not pay for a thread start.
            _ = Task.Run(() => RunDtlsAsync(endpoint, endpoint.Dtls!));
        }
    }

    /// <summary>Removes an endpoint from every table; its packets are dropped from now on.</summary>
    public void Expire(Endpoint endpoint, string reason)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.TryTransition(EndpointState.Expired))
        {
            return;
        }
        _byUfrag.TryRemove(new KeyValuePair<string, Endpoint>(endpoint.LocalUfrag, endpoint));
        if (endpoint.RemoteAddress is { } address)
        {
            _byAddress.TryRemove(new KeyValuePair<SocketAddress, Endpoint>(address, endpoint));
        }
        endpoint.Conference.Remove(endpoint);
        // The SRTP contexts stay with the object: the receive loop may be using them right now.
        endpoint.Dtls?.Dispose();
        ConferenceLog.EndpointExpired(_logger, endpoint.Conference.Id, endpoint.Id, reason);
    }

    /// <summary>Expires a conference and all its endpoints.</summary>
    public bool ExpireConference(string id)
    {
        if (!_conferences.TryRemove(id, out var conference))
        {
            return false;
        }
        _byRelayId.TryRemove(new KeyValuePair<uint, Conference>(conference.RelayId, conference));
        foreach (var endpoint in conference.Endpoints)
        {
            Expire(endpoint, "conference expired");
        }
        ConferenceLog.ConferenceExpired(_logger, id);
        return true;
    }

    /// <summary>
    /// Expires endpoints whose ICE did not complete in time (ICE failure) or whose consent checks
    /// stopped (RFC 7675). Called periodically by the consent monitor.
    /// </summary>
    public void ExpireStale()
    {
        var now = _time.GetTimestamp();
        var connectLimit = _options.ConnectTimeoutSeconds * _time.TimestampFrequency;
        var consentLimit = _options.ConsentTimeoutSeconds * _time.TimestampFrequency;
        foreach (var conference in _conferences.Values)
        {
            foreach (var endpoint in conference.Endpoints)
            {
                switch (endpoint.State)
                {
                    case EndpointState.Created or EndpointState.Negotiated when now - endpoint.CreatedAt > connectLimit:
                        Interlocked.Increment(ref _counters.IceFailures);
                        Expire(endpoint, "ICE did not complete in time");
                        break;
                    case EndpointState.Connected or EndpointState.Secure when now - Volatile.Read(ref endpoint.LastConsent) > consentLimit:
                        Interlocked.Increment(ref _counters.ConsentExpirations);
                        Expire(endpoint, "consent expired: no ICE check");
                        break;
                }
            }
        }
    }

    private static readonly string[] SenderExtensions =
    [
        "urn:ietf:params:rtp-hdrext:sdes:mid",
        "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
        "urn:ietf:params:rtp-hdrext:ssrc-audio-level",
    ];

    /// <summary>DTLS handshakes running now (each on its own thread), at most <see cref="BridgeOptions.MaxConcurrentHandshakes"/>.</summary>
    public int HandshakesRunning => _options.MaxConcurrentHandshakes - _handshakeSlots.CurrentCount;

    /// <summary>Endpoints whose ICE is done and whose DTLS handshake waits for a free slot.</summary>
    public int HandshakesWaiting => Volatile.Read(ref _handshakesWaiting);

    private async Task RunDtlsAsync(Endpoint endpoint, DtlsSession dtls)
    {
        try
        {
            // The wait counts against the connect timeout: an endpoint is never held longer than that in all.
            var deadline = TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds);
            var queuedAt = _time.GetTimestamp();
            Interlocked.Increment(ref _handshakesWaiting);
            bool admitted;
            try
            {
                admitted = await _handshakeSlots.WaitAsync(deadline).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _handshakesWaiting);
            }
            if (!admitted)
            {
                throw new DtlsHandshakeException(DtlsFailure.Timeout, $"no handshake slot within {_options.ConnectTimeoutSeconds} s ({_options.MaxConcurrentHandshakes} running)");
            }
            DtlsSrtpKeys keys;
            try
            {
                if (endpoint.State == EndpointState.Expired)
                {
                    return; // Expired while it waited (connect timeout, API): the slot goes to the next one.
                }
                var left = deadline - _time.GetElapsedTime(queuedAt);
                keys = await dtls.HandshakeAsync(left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            }
            finally
            {
                _handshakeSlots.Release();
            }
            endpoint.SetKeys(keys);
            if (!endpoint.TryTransition(EndpointState.Secure))
            {
                return;
            }
            ConferenceLog.Secure(_logger, endpoint.Conference.Id, endpoint.Id, keys.Profile);
            // A new receiver starts with a keyframe: ask every video source of the conference.
            foreach (var other in endpoint.Conference.Endpoints)
            {
                foreach (var source in other.Sources)
                {
                    if (source.Kind == MediaKind.Video && other != endpoint)
                    {
                        source.KeyframeWanted = true;
                    }
                }
            }
            // A browser that closes its tab sends close_notify: free the endpoint now, not after consent expiry.
            await dtls.Closed.ConfigureAwait(false);
            Expire(endpoint, "DTLS closed by the peer");
        }
        catch (DtlsHandshakeException ex)
        {
            if (endpoint.State != EndpointState.Expired)
            {
                Interlocked.Increment(ref _counters.DtlsFailures);
                Expire(endpoint, $"DTLS failed: {ex.Reason}: {ex.Message}");
            }
        }
    }

    private static SlotSsrc[] NewSlots(int count)
    {
        var slots = new SlotSsrc[count];
        for (var i = 0; i < count; i++)
        {
            slots[i] = new SlotSsrc(Endpoint.RandomSsrc(), null);
        }
        return slots;
    }

    private ReceiverSlot[] CreateSlots(SdpAnswer answer, MediaKind kind) =>
        [.. answer.Media
            .Where(m => m.Kind == kind && m.Slot is not null)
            .Select(m => new ReceiverSlot(kind, m.Slot!.Ssrc, m.Codec.PayloadType, m.Codec.ClockRate, _time.TimestampFrequency))];

    private List<MediaSource> CreateSources(Endpoint endpoint, SdpAnswer answer)
    {
        var sources = new List<MediaSource>();
        foreach (var media in answer.Media)
        {
            if (media.BridgeDirection is not (MediaDirection.RecvOnly or MediaDirection.SendRecv) || media.RemoteSsrcs.Count == 0)
            {
                continue;
            }
            // The primary SSRC is the first of a FID group (RFC 5576), else the first announced.
            var fid = media.RemoteFidGroups.FirstOrDefault(g => g.Count == 2);
            var ssrc = fid?[0] ?? media.RemoteSsrcs[0].Ssrc;
            var cacheSize = media.Kind == MediaKind.Video ? _options.VideoPacketCacheSize : _options.AudioPacketCacheSize;
            sources.Add(new MediaSource(endpoint, media.Kind, ssrc, fid?[1], media.Codec.PayloadType, media.Codec.ClockRate, cacheSize));
        }
        return sources;
    }

    /// <summary>Sends DTLS records of one endpoint to its current ICE address.</summary>
    private sealed class EndpointDatagramSender(MediaSocket socket, Endpoint endpoint) : IDtlsDatagramSender
    {
        public void Send(ReadOnlySpan<byte> datagram)
        {
            if (endpoint.RemoteAddress is { } address)
            {
                socket.Send(datagram, address);
            }
        }
    }
}
