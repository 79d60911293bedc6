namespace Bridge.Tests.Sdp;

/// <summary>Offers as Chromium (Unified Plan) and Firefox write them, kept verbatim apart from the random values.</summary>
internal static class ChromiumOffers
{
    public const string BrowserFingerprint = "sha-256 3A:20:34:DB:E3:D4:21:E8:57:95:42:39:34:CE:93:D8:16:5B:5B:77:39:9C:62:EB:F9:EE:7F:53:B7:6C:9A:C9";

    /// <summary>pc.addTrack(mic) + pc.addTrack(camera) with transceivers set to sendonly.</summary>
    public const string Publisher = """
        v=0
        o=- 8214683719450183245 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0 1
        a=extmap-allow-mixed
        a=msid-semantic: WMS e9a5cb2e-d78d-4842-aff2-2ebda9bf3608
        m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:MILc
        a=ice-pwd:gwLkHTgMkTXMgZWFh6wdZP1G
        a=ice-options:trickle
        a=fingerprint:sha-256 3A:20:34:DB:E3:D4:21:E8:57:95:42:39:34:CE:93:D8:16:5B:5B:77:39:9C:62:EB:F9:EE:7F:53:B7:6C:9A:C9
        a=setup:actpass
        a=mid:0
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=sendonly
        a=msid:e9a5cb2e-d78d-4842-aff2-2ebda9bf3608 1ba0b877-5cfa-4eb1-8447-ed66691bedc9
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:111 opus/48000/2
        a=rtcp-fb:111 transport-cc
        a=fmtp:111 minptime=10;useinbandfec=1
        a=rtpmap:63 red/48000/2
        a=fmtp:63 111/111
        a=rtpmap:9 G722/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:13 CN/8000
        a=rtpmap:110 telephone-event/48000
        a=rtpmap:126 telephone-event/8000
        a=ssrc:2784931077 cname:APNpZUh3YRBJCSEv
        a=ssrc:2784931077 msid:e9a5cb2e-d78d-4842-aff2-2ebda9bf3608 1ba0b877-5cfa-4eb1-8447-ed66691bedc9
        m=video 9 UDP/TLS/RTP/SAVPF 96 97 103 104 107 108 109 114 115 116 117 118 39 40 45 46 98 99 100 101 119 120 123 124 125
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:MILc
        a=ice-pwd:gwLkHTgMkTXMgZWFh6wdZP1G
        a=ice-options:trickle
        a=fingerprint:sha-256 3A:20:34:DB:E3:D4:21:E8:57:95:42:39:34:CE:93:D8:16:5B:5B:77:39:9C:62:EB:F9:EE:7F:53:B7:6C:9A:C9
        a=setup:actpass
        a=mid:1
        a=extmap:14 urn:ietf:params:rtp-hdrext:toffset
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:13 urn:3gpp:video-orientation
        a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay
        a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type
        a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing
        a=extmap:8 http://www.webrtc.org/experiments/rtp-hdrext/color-space
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
        a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id
        a=sendonly
        a=msid:e9a5cb2e-d78d-4842-aff2-2ebda9bf3608 c01891cc-16f5-4e91-a7ed-f378f4e3b1ab
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:96 VP8/90000
        a=rtcp-fb:96 goog-remb
        a=rtcp-fb:96 transport-cc
        a=rtcp-fb:96 ccm fir
        a=rtcp-fb:96 nack
        a=rtcp-fb:96 nack pli
        a=rtpmap:97 rtx/90000
        a=fmtp:97 apt=96
        a=rtpmap:103 H264/90000
        a=rtcp-fb:103 goog-remb
        a=rtcp-fb:103 transport-cc
        a=rtcp-fb:103 ccm fir
        a=rtcp-fb:103 nack
        a=rtcp-fb:103 nack pli
        a=fmtp:103 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f
        a=rtpmap:104 rtx/90000
        a=fmtp:104 apt=103
        a=rtpmap:107 H264/90000
        a=rtcp-fb:107 goog-remb
        a=rtcp-fb:107 transport-cc
        a=rtcp-fb:107 ccm fir
        a=rtcp-fb:107 nack
        a=rtcp-fb:107 nack pli
        a=fmtp:107 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f
        a=rtpmap:108 rtx/90000
        a=fmtp:108 apt=107
        a=rtpmap:109 H264/90000
        a=rtcp-fb:109 goog-remb
        a=rtcp-fb:109 transport-cc
        a=rtcp-fb:109 ccm fir
        a=rtcp-fb:109 nack
        a=rtcp-fb:109 nack pli
        a=fmtp:109 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
        a=rtpmap:114 rtx/90000
        a=fmtp:114 apt=109
        a=rtpmap:115 H264/90000
        a=rtcp-fb:115 goog-remb
        a=rtcp-fb:115 transport-cc
        a=rtcp-fb:115 ccm fir
        a=rtcp-fb:115 nack
        a=rtcp-fb:115 nack pli
        a=fmtp:115 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f
        a=rtpmap:116 rtx/90000
        a=fmtp:116 apt=115
        a=rtpmap:117 H264/90000
        a=rtcp-fb:117 goog-remb
        a=rtcp-fb:117 transport-cc
        a=rtcp-fb:117 ccm fir
        a=rtcp-fb:117 nack
        a=rtcp-fb:117 nack pli
        a=fmtp:117 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f
        a=rtpmap:118 rtx/90000
        a=fmtp:118 apt=117
        a=rtpmap:39 AV1/90000
        a=rtcp-fb:39 goog-remb
        a=rtcp-fb:39 transport-cc
        a=rtcp-fb:39 ccm fir
        a=rtcp-fb:39 nack
        a=rtcp-fb:39 nack pli
        a=fmtp:39 level-idx=5;profile=0;tier=0
        a=rtpmap:40 rtx/90000
        a=fmtp:40 apt=39
        a=rtpmap:45 AV1/90000
        a=rtcp-fb:45 goog-remb
        a=rtcp-fb:45 transport-cc
        a=rtcp-fb:45 ccm fir
        a=rtcp-fb:45 nack
        a=rtcp-fb:45 nack pli
        a=fmtp:45 level-idx=5;profile=1;tier=0
        a=rtpmap:46 rtx/90000
        a=fmtp:46 apt=45
        a=rtpmap:98 VP9/90000
        a=rtcp-fb:98 goog-remb
        a=rtcp-fb:98 transport-cc
        a=rtcp-fb:98 ccm fir
        a=rtcp-fb:98 nack
        a=rtcp-fb:98 nack pli
        a=fmtp:98 profile-id=0
        a=rtpmap:99 rtx/90000
        a=fmtp:99 apt=98
        a=rtpmap:100 VP9/90000
        a=rtcp-fb:100 goog-remb
        a=rtcp-fb:100 transport-cc
        a=rtcp-fb:100 ccm fir
        a=rtcp-fb:100 nack
        a=rtcp-fb:100 nack pli
        a=fmtp:100 profile-id=2
        a=rtpmap:101 rtx/90000
        a=fmtp:101 apt=100
        a=rtpmap:119 H265/90000
        a=rtcp-fb:119 goog-remb
        a=rtcp-fb:119 transport-cc
        a=rtcp-fb:119 ccm fir
        a=rtcp-fb:119 nack
        a=rtcp-fb:119 nack pli
        a=fmtp:119 level-id=93;profile-id=1;tier-flag=0;tx-mode=SRST
        a=rtpmap:120 rtx/90000
        a=fmtp:120 apt=119
        a=rtpmap:123 red/90000
        a=rtpmap:124 rtx/90000
        a=fmtp:124 apt=123
        a=rtpmap:125 ulpfec/90000
        a=ssrc-group:FID 1493425863 3318563716
        a=ssrc:1493425863 cname:APNpZUh3YRBJCSEv
        a=ssrc:1493425863 msid:e9a5cb2e-d78d-4842-aff2-2ebda9bf3608 c01891cc-16f5-4e91-a7ed-f378f4e3b1ab
        a=ssrc:3318563716 cname:APNpZUh3YRBJCSEv
        a=ssrc:3318563716 msid:e9a5cb2e-d78d-4842-aff2-2ebda9bf3608 c01891cc-16f5-4e91-a7ed-f378f4e3b1ab

        """;

    /// <summary>Three pc.addTransceiver("audio", {direction: "recvonly"}) and one video one.</summary>
    public const string Receiver = """
        v=0
        o=- 5530197346081529817 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0 1 2 3
        a=extmap-allow-mixed
        a=msid-semantic: WMS
        m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:4yxM
        a=ice-pwd:oE4WqTjZlu1bSh6Ny87ftXJY
        a=ice-options:trickle
        a=fingerprint:sha-256 6C:6B:D3:C1:51:2E:20:E0:A1:2D:DF:9E:1B:B5:50:67:78:80:1E:02:41:E0:50:CE:3E:0D:A3:57:9E:79:0B:1E
        a=setup:actpass
        a=mid:0
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=recvonly
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:111 opus/48000/2
        a=rtcp-fb:111 transport-cc
        a=fmtp:111 minptime=10;useinbandfec=1
        a=rtpmap:63 red/48000/2
        a=fmtp:63 111/111
        a=rtpmap:9 G722/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:13 CN/8000
        a=rtpmap:110 telephone-event/48000
        a=rtpmap:126 telephone-event/8000
        m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:4yxM
        a=ice-pwd:oE4WqTjZlu1bSh6Ny87ftXJY
        a=ice-options:trickle
        a=fingerprint:sha-256 6C:6B:D3:C1:51:2E:20:E0:A1:2D:DF:9E:1B:B5:50:67:78:80:1E:02:41:E0:50:CE:3E:0D:A3:57:9E:79:0B:1E
        a=setup:actpass
        a=mid:1
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=recvonly
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:111 opus/48000/2
        a=rtcp-fb:111 transport-cc
        a=fmtp:111 minptime=10;useinbandfec=1
        a=rtpmap:63 red/48000/2
        a=fmtp:63 111/111
        a=rtpmap:9 G722/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:13 CN/8000
        a=rtpmap:110 telephone-event/48000
        a=rtpmap:126 telephone-event/8000
        m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:4yxM
        a=ice-pwd:oE4WqTjZlu1bSh6Ny87ftXJY
        a=ice-options:trickle
        a=fingerprint:sha-256 6C:6B:D3:C1:51:2E:20:E0:A1:2D:DF:9E:1B:B5:50:67:78:80:1E:02:41:E0:50:CE:3E:0D:A3:57:9E:79:0B:1E
        a=setup:actpass
        a=mid:2
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=recvonly
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:111 opus/48000/2
        a=rtcp-fb:111 transport-cc
        a=fmtp:111 minptime=10;useinbandfec=1
        a=rtpmap:63 red/48000/2
        a=fmtp:63 111/111
        a=rtpmap:9 G722/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:13 CN/8000
        a=rtpmap:110 telephone-event/48000
        a=rtpmap:126 telephone-event/8000
        m=video 9 UDP/TLS/RTP/SAVPF 96 97 103 104 107 108 109 114 39 40 98 99 100 101 123 124 125
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:4yxM
        a=ice-pwd:oE4WqTjZlu1bSh6Ny87ftXJY
        a=ice-options:trickle
        a=fingerprint:sha-256 6C:6B:D3:C1:51:2E:20:E0:A1:2D:DF:9E:1B:B5:50:67:78:80:1E:02:41:E0:50:CE:3E:0D:A3:57:9E:79:0B:1E
        a=setup:actpass
        a=mid:3
        a=extmap:14 urn:ietf:params:rtp-hdrext:toffset
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:13 urn:3gpp:video-orientation
        a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay
        a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type
        a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing
        a=extmap:8 http://www.webrtc.org/experiments/rtp-hdrext/color-space
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
        a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id
        a=recvonly
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:96 VP8/90000
        a=rtcp-fb:96 goog-remb
        a=rtcp-fb:96 transport-cc
        a=rtcp-fb:96 ccm fir
        a=rtcp-fb:96 nack
        a=rtcp-fb:96 nack pli
        a=rtpmap:97 rtx/90000
        a=fmtp:97 apt=96
        a=rtpmap:103 H264/90000
        a=rtcp-fb:103 goog-remb
        a=rtcp-fb:103 transport-cc
        a=rtcp-fb:103 ccm fir
        a=rtcp-fb:103 nack
        a=rtcp-fb:103 nack pli
        a=fmtp:103 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f
        a=rtpmap:104 rtx/90000
        a=fmtp:104 apt=103
        a=rtpmap:107 H264/90000
        a=rtcp-fb:107 goog-remb
        a=rtcp-fb:107 transport-cc
        a=rtcp-fb:107 ccm fir
        a=rtcp-fb:107 nack
        a=rtcp-fb:107 nack pli
        a=fmtp:107 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f
        a=rtpmap:108 rtx/90000
        a=fmtp:108 apt=107
        a=rtpmap:109 H264/90000
        a=rtcp-fb:109 goog-remb
        a=rtcp-fb:109 transport-cc
        a=rtcp-fb:109 ccm fir
        a=rtcp-fb:109 nack
        a=rtcp-fb:109 nack pli
        a=fmtp:109 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
        a=rtpmap:114 rtx/90000
        a=fmtp:114 apt=109
        a=rtpmap:39 AV1/90000
        a=rtcp-fb:39 goog-remb
        a=rtcp-fb:39 transport-cc
        a=rtcp-fb:39 ccm fir
        a=rtcp-fb:39 nack
        a=rtcp-fb:39 nack pli
        a=fmtp:39 level-idx=5;profile=0;tier=0
        a=rtpmap:40 rtx/90000
        a=fmtp:40 apt=39
        a=rtpmap:98 VP9/90000
        a=rtcp-fb:98 goog-remb
        a=rtcp-fb:98 transport-cc
        a=rtcp-fb:98 ccm fir
        a=rtcp-fb:98 nack
        a=rtcp-fb:98 nack pli
        a=fmtp:98 profile-id=0
        a=rtpmap:99 rtx/90000
        a=fmtp:99 apt=98
        a=rtpmap:100 VP9/90000
        a=rtcp-fb:100 goog-remb
        a=rtcp-fb:100 transport-cc
        a=rtcp-fb:100 ccm fir
        a=rtcp-fb:100 nack
        a=rtcp-fb:100 nack pli
        a=fmtp:100 profile-id=2
        a=rtpmap:101 rtx/90000
        a=fmtp:101 apt=100
        a=rtpmap:123 red/90000
        a=rtpmap:124 rtx/90000
        a=fmtp:124 apt=123
        a=rtpmap:125 ulpfec/90000

        """;

    /// <summary>A microphone publisher that also called pc.createDataChannel("chat").</summary>
    public const string PublisherWithDataChannel = """
        v=0
        o=- 1922367410092734652 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0 1
        a=extmap-allow-mixed
        a=msid-semantic: WMS e9a5cb2e-d78d-4842-aff2-2ebda9bf3608
        m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:MILc
        a=ice-pwd:gwLkHTgMkTXMgZWFh6wdZP1G
        a=ice-options:trickle
        a=fingerprint:sha-256 3A:20:34:DB:E3:D4:21:E8:57:95:42:39:34:CE:93:D8:16:5B:5B:77:39:9C:62:EB:F9:EE:7F:53:B7:6C:9A:C9
        a=setup:actpass
        a=mid:0
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=sendrecv
        a=msid:e9a5cb2e-d78d-4842-aff2-2ebda9bf3608 1ba0b877-5cfa-4eb1-8447-ed66691bedc9
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:111 opus/48000/2
        a=rtcp-fb:111 transport-cc
        a=fmtp:111 minptime=10;useinbandfec=1
        a=rtpmap:63 red/48000/2
        a=fmtp:63 111/111
        a=rtpmap:9 G722/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:13 CN/8000
        a=rtpmap:110 telephone-event/48000
        a=rtpmap:126 telephone-event/8000
        a=ssrc:2784931077 cname:APNpZUh3YRBJCSEv
        a=ssrc:2784931077 msid:e9a5cb2e-d78d-4842-aff2-2ebda9bf3608 1ba0b877-5cfa-4eb1-8447-ed66691bedc9
        m=application 9 UDP/DTLS/SCTP webrtc-datachannel
        c=IN IP4 0.0.0.0
        a=ice-ufrag:MILc
        a=ice-pwd:gwLkHTgMkTXMgZWFh6wdZP1G
        a=ice-options:trickle
        a=fingerprint:sha-256 3A:20:34:DB:E3:D4:21:E8:57:95:42:39:34:CE:93:D8:16:5B:5B:77:39:9C:62:EB:F9:EE:7F:53:B7:6C:9A:C9
        a=setup:actpass
        a=mid:1
        a=sctp-port:5000
        a=max-message-size:262144

        """;

    /// <summary>Firefox style: fingerprint only at session level, sendrecv transceivers, VP8 on 120 with RTX 124.</summary>
    public const string FirefoxPublisher = """
        v=0
        o=mozilla...THIS_IS_SDPARTA-99.0 4311287612312930123 0 IN IP4 0.0.0.0
        s=-
        t=0 0
        a=fingerprint:sha-256 6C:6B:D3:C1:51:2E:20:E0:A1:2D:DF:9E:1B:B5:50:67:78:80:1E:02:41:E0:50:CE:3E:0D:A3:57:9E:79:0B:1E
        a=group:BUNDLE 0 1
        a=ice-options:trickle
        a=msid-semantic:WMS *
        m=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101
        c=IN IP4 0.0.0.0
        a=sendrecv
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level
        a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid
        a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1
        a=fmtp:101 0-15
        a=ice-pwd:4f1d9b5b0b1f6f0bd1a9a4b8c2c3d7e0
        a=ice-ufrag:a1b2c3d4
        a=mid:0
        a=msid:{5b6f0c2e-4f2b-4a53-9c36-7e2e3f1c9a10} {8f2d3e4c-1b2a-4c5d-9e8f-0a1b2c3d4e5f}
        a=rtcp-mux
        a=rtpmap:109 opus/48000/2
        a=rtpmap:9 G722/8000/1
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:101 telephone-event/8000
        a=setup:actpass
        a=ssrc:1839216401 cname:{0c9e1f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a}
        m=video 9 UDP/TLS/RTP/SAVPF 120 124 121 125 126 127 97 98
        c=IN IP4 0.0.0.0
        a=sendrecv
        a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid
        a=extmap:4 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:5 urn:ietf:params:rtp-hdrext:toffset
        a=extmap:6/recvonly http://www.webrtc.org/experiments/rtp-hdrext/playout-delay
        a=extmap:7 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=fmtp:126 profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1
        a=fmtp:97 profile-level-id=42e01f;level-asymmetry-allowed=1
        a=fmtp:120 max-fs=12288;max-fr=60
        a=fmtp:124 apt=120
        a=fmtp:121 max-fs=12288;max-fr=60
        a=fmtp:125 apt=121
        a=fmtp:127 apt=126
        a=fmtp:98 apt=97
        a=ice-pwd:4f1d9b5b0b1f6f0bd1a9a4b8c2c3d7e0
        a=ice-ufrag:a1b2c3d4
        a=mid:1
        a=msid:{5b6f0c2e-4f2b-4a53-9c36-7e2e3f1c9a10} {4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a}
        a=rtcp-fb:120 nack
        a=rtcp-fb:120 nack pli
        a=rtcp-fb:120 ccm fir
        a=rtcp-fb:120 goog-remb
        a=rtcp-fb:120 transport-cc
        a=rtcp-fb:121 nack
        a=rtcp-fb:121 nack pli
        a=rtcp-fb:121 ccm fir
        a=rtcp-fb:121 goog-remb
        a=rtcp-fb:121 transport-cc
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:120 VP8/90000
        a=rtpmap:124 rtx/90000
        a=rtpmap:121 VP9/90000
        a=rtpmap:125 rtx/90000
        a=rtpmap:126 H264/90000
        a=rtpmap:127 rtx/90000
        a=rtpmap:97 H264/90000
        a=rtpmap:98 rtx/90000
        a=setup:actpass
        a=ssrc:3005611822 cname:{0c9e1f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a}
        a=ssrc:2201977419 cname:{0c9e1f2a-3b4c-4d5e-8f6a-7b8c9d0e1f2a}
        a=ssrc-group:FID 3005611822 2201977419

        """;
}
