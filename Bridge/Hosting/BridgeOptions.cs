using Bridge.Srtp;

namespace Bridge.Hosting;

/// <summary>Bridge settings, bound from the configuration section "Bridge" and validated at start-up.</summary>
public sealed class BridgeOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Bridge";

    /// <summary>This bridge's id on relay links (both ends derive the link keys from the two ids). Defaults to "bridge".</summary>
    public string BridgeId { get; set; } = "bridge";

    /// <summary>Seconds without an authenticated datagram after which a relay link is reported down. Defaults to 3.</summary>
    public double RelayDownAfterSeconds { get; set; } = 3;

    /// <summary>Address the media UDP socket binds to. Defaults to 127.0.0.1; use 0.0.0.0 on a server.</summary>
    public string MediaBindAddress { get; set; } = "127.0.0.1";

    /// <summary>UDP port for STUN, DTLS and SRTP of every endpoint. Defaults to 10000; 0 picks a free port (tests).</summary>
    public int MediaPort { get; set; } = 10000;

    /// <summary>Address advertised in ICE candidates. Defaults to the bind address, or 127.0.0.1 when binding to any.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Answer ICE checks only from loopback sources, so no media ever leaves the machine (tests, demo). Defaults to false.</summary>
    public bool LoopbackOnly { get; set; }

    /// <summary>HTTP control API, /health and /metrics listen address. Defaults to http://127.0.0.1:8080.</summary>
    public string ApiUrl { get; set; } = "http://127.0.0.1:8080";

    /// <summary>Shared secret for the control API (Authorization: Bearer). Defaults to none: no auth, for a local demo only.</summary>
    public string? ApiSecret { get; set; }

    /// <summary>Seconds without a valid ICE check after which a connected endpoint expires (RFC 7675 consent). Defaults to 30.</summary>
    public int ConsentTimeoutSeconds { get; set; } = 30;

    /// <summary>Seconds an endpoint may take from its remote description to ICE plus DTLS completion. Defaults to 30.</summary>
    public int ConnectTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// DTLS handshakes run at once (each holds a thread while BouncyCastle blocks); the endpoints of a join wave beyond
    /// it wait for a slot, holding no thread, within their connect timeout. Defaults to 64.
    /// </summary>
    public int MaxConcurrentHandshakes { get; set; } = 64;

    /// <summary>Minimum milliseconds between keyframe requests sent to one source. Defaults to 300.</summary>
    public int KeyframeRequestIntervalMs { get; set; } = 300;

    /// <summary>Audio slots a receiver gets (forwarded audio sources at once). Defaults to 3.</summary>
    public int ReceiverAudioSlots { get; set; } = 3;

    /// <summary>Video slots a receiver gets. Defaults to 1.</summary>
    public int ReceiverVideoSlots { get; set; } = 1;

    /// <summary>Packets kept per video source to answer NACKs (power of two). Defaults to 512.</summary>
    public int VideoPacketCacheSize { get; set; } = 512;

    /// <summary>Packets kept per audio source to answer NACKs (power of two). Defaults to 64.</summary>
    public int AudioPacketCacheSize { get; set; } = 64;

    /// <summary>Base URL of the main signaling node to register with and report stats to. Defaults to none: no registration.</summary>
    public string? SignalingUrl { get; set; }

    /// <summary>Whether start-up fails without <see cref="SignalingUrl"/>: true in the shipped unit, where a bridge nobody selects is a misconfiguration. Defaults to false (demo, tests).</summary>
    public bool RequireSignaling { get; set; }

    /// <summary>This bridge's region, a preference in bridge selection (1..64 of A-Z a-z 0-9 - _ .). Defaults to "default".</summary>
    public string Region { get; set; } = "default";

    /// <summary>Capacity per media loop when <see cref="CapacityPacketsPerSecond"/> is 0: a core forwarded 185-218k packets/s on the test VM, half leaves room for bursts and the control plane.</summary>
    public const int CapacityPacketsPerSecondPerLoop = 100_000;

    /// <summary>Media datagrams per second (in plus out) at which this bridge's stress is 1.0; 0 (the default) means <see cref="CapacityPacketsPerSecondPerLoop"/> per media loop.</summary>
    public int CapacityPacketsPerSecond { get; set; }

    /// <summary>The capacity in force: <see cref="CapacityPacketsPerSecond"/>, or 100000 per media loop when that is 0 (200000 on 2 cores, 800000 on 8).</summary>
    public int EffectiveCapacityPacketsPerSecond =>
        CapacityPacketsPerSecond > 0 ? CapacityPacketsPerSecond : CapacityPacketsPerSecondPerLoop * EffectiveReceiveLoops;

    /// <summary>Seconds between stress samples and reports to signaling. Defaults to 5.</summary>
    public int ReportIntervalSeconds { get; set; } = 5;

    /// <summary>Whether the process CPU share counts in stress. Defaults to true; false when several bridges share one process.</summary>
    public bool StressIncludesCpu { get; set; } = true;

    /// <summary>Whether a fan-out leaves with one sendmmsg per 32 copies (Linux) instead of one sendto each. Defaults to true; false is for comparison and diagnosis.</summary>
    public bool BatchedSends { get; set; } = true;

    /// <summary>
    /// Media loops: threads that each own a SO_REUSEPORT socket on the media port and the endpoints the kernel hashes
    /// to it (1..64). Defaults to 0: one per CPU core, at most 16. Off Linux x64/arm64 there is always one.
    /// </summary>
    public int ReceiveLoops { get; set; }

    /// <summary>The number of media loops in force.</summary>
    public int EffectiveReceiveLoops =>
        !Transport.LinuxUdp.IsSupported || !Transport.LoopWaker.IsSupported ? 1
        : ReceiveLoops > 0 ? ReceiveLoops : Math.Min(Environment.ProcessorCount, 16);

    /// <summary>SRTP profiles in preference order for DTLS use_srtp. Defaults to GCM, then AES-CM/HMAC-SHA1-80.</summary>
    public List<SrtpProfile> SrtpProfiles { get; set; } = [];

    /// <summary>The SRTP profile order in force: the configured one, or the default.</summary>
    public IReadOnlyList<SrtpProfile> EffectiveSrtpProfiles =>
        SrtpProfiles.Count > 0 ? SrtpProfiles : [SrtpProfile.AeadAes128Gcm, SrtpProfile.AesCm128HmacSha1Tag80];

    /// <summary>The address put into ICE candidates.</summary>
    public string EffectiveAdvertisedAddress =>
        AdvertisedAddress ?? (MediaBindAddress is "0.0.0.0" or "::" ? "127.0.0.1" : MediaBindAddress);
}
