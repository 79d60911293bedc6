using System.Buffers.Binary;
using System.Diagnostics;
using Bridge.Client;

namespace LoadHarness;

/// <summary>
/// A publisher on a <see cref="SimulatedPeer"/>: Opus-like audio packets at a fixed rate and VP8-like video frames
/// at the frame rate, each frame a burst of packets of up to <see cref="MaxVideoPayload"/> bytes (marker on the
/// last), a keyframe of <see cref="KeyframeFactor"/>× the mean frame size periodically and on the bridge's PLI/FIR,
/// delta frames sized so the mean bitrate holds. Every payload ends with a <see cref="MediaTrailer"/>. One sending
/// thread paced with clock_nanosleep; nothing allocated per packet.
/// </summary>
public sealed class SyntheticPublisher : IDisposable
{
    /// <summary>Largest video RTP payload: a 1,200-byte UDP datagram after the RTP header and SRTP tag, as browsers send.</summary>
    public const int MaxVideoPayload = 1172;

    /// <summary>Keyframe size over the mean frame size.</summary>
    public const int KeyframeFactor = 5;

    /// <summary>Opus payload bytes per packet (≈ 40 kbit/s at 50 packets/s).</summary>
    public const int AudioPayload = 100;

    /// <summary>Shortest time between keyframes made on request.</summary>
    private static readonly TimeSpan KeyframeRequestGap = TimeSpan.FromMilliseconds(500);

    /// <summary>A sender this far behind its schedule (descheduled) resynchronises instead of bursting.</summary>
    private static readonly TimeSpan MaxLag = TimeSpan.FromMilliseconds(200);

    private readonly int _index;
    private readonly HarnessOptions _options;
    private readonly MeasurementWindow _window;
    private readonly SimulatedPeer _peer = new(socketBufferBytes: 4 << 20);
    private readonly byte[] _payload = new byte[SimulatedPeer.MaxDatagramLength];
    private readonly int[] _sizes = new int[256];
    private readonly uint _audioSsrc;
    private readonly uint _videoSsrc;
    private readonly Random _random;
    private Thread? _thread;
    private volatile bool _stopping;
    private volatile bool _keyframeRequested;
    private int _sizeCount;
    private ushort _audioSequence;
    private ushort _videoSequence;
    private uint _audioIndex;
    private uint _videoIndex;
    private long _audioInWindow;
    private long _videoInWindow;
    private long _packetsSent;
    private long _bytesSent;
    private long _keyframes;
    private long _keyframeRequests;
    private long _resyncs;

    /// <summary>Publisher <paramref name="index"/> (its SSRCs derive from it) with the run's media options.</summary>
    public SyntheticPublisher(int index, HarnessOptions options, MeasurementWindow window)
    {
        ArgumentNullException.ThrowIfNull(options);
        _index = index;
        _options = options;
        _window = window;
        _audioSsrc = 0x1111_0000u + (uint)index;
        _videoSsrc = 0x2222_0000u + (uint)index;
        _random = new Random(index + 1);
        _peer.RtpObserver = static (_, _) => { };
        _peer.RtcpObserver = OnRtcp;
    }

    /// <summary>Audio packets sent inside the measurement window.</summary>
    public long AudioInWindow => Interlocked.Read(ref _audioInWindow);

    /// <summary>Video packets sent inside the measurement window.</summary>
    public long VideoInWindow => Interlocked.Read(ref _videoInWindow);

    /// <summary>Packets sent in all.</summary>
    public long PacketsSent => Interlocked.Read(ref _packetsSent);

    /// <summary>Bytes of RTP sent in all.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Keyframes sent (periodic and requested).</summary>
    public long Keyframes => Interlocked.Read(ref _keyframes);

    /// <summary>Keyframe requests (PLI/FIR) received from the bridge.</summary>
    public long KeyframeRequests => Interlocked.Read(ref _keyframeRequests);

    /// <summary>Times the sender fell behind by more than 200 ms and skipped ahead.</summary>
    public long Resyncs => Interlocked.Read(ref _resyncs);

    /// <summary>The negotiated SRTP profile.</summary>
    public Bridge.Srtp.SrtpProfile? Profile => _peer.Profile;

    /// <summary>The SDP offer: audio and video sendonly.</summary>
    public string CreateOffer() => _peer.CreateOffer(publish: true, audioSsrc: _audioSsrc, videoSsrc: _videoSsrc);

    /// <summary>ICE and DTLS with the core bridge; consent checks every 2 s afterwards.</summary>
    public async Task ConnectAsync(JoinTicket ticket, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        await _peer.ConnectAsync(ticket.Media, ticket.IceUfrag, ticket.IcePassword, ticket.Fingerprint, timeout);
        _peer.StartConsentChecks(TimeSpan.FromSeconds(2));
    }

    /// <summary>
    /// UDP payload sizes (SRTP on the wire) of recent packets, in sending order: what the plain-UDP limit probe
    /// blasts so it sends the same size mix.
    /// </summary>
    public IReadOnlyList<int> RecentDatagramSizes()
    {
        lock (_sizes)
        {
            var tag = _peer.Profile == Bridge.Srtp.SrtpProfile.AeadAes128Gcm ? 16 : 10;
            return _sizes.Take(Math.Min(_sizeCount, _sizes.Length)).Select(s => s + tag).ToList();
        }
    }

    /// <summary>Starts the sending thread.</summary>
    public void Start()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = $"publisher-{_index}", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>Stops sending (within one packet interval).</summary>
    public void Stop()
    {
        _stopping = true;
        _thread?.Join(TimeSpan.FromSeconds(2));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Stop();
        _peer.Dispose();
    }

    private void Run()
    {
        PreciseSleep.TightenTimerSlack();
        var frequency = Stopwatch.Frequency;
        var audioPeriod = _options.AudioPps > 0 ? frequency / _options.AudioPps : long.MaxValue;
        var videoPeriod = frequency / _options.Fps;
        var meanFrame = _options.BitrateKbps * 1000.0 / 8 / _options.Fps;
        var framesPerKeyframe = Math.Max(2, (int)Math.Round(_options.KeyframeIntervalSeconds * _options.Fps));
        var keyframe = (int)(meanFrame * KeyframeFactor);
        var delta = Math.Max(meanFrame * 0.3, ((meanFrame * framesPerKeyframe) - keyframe) / (framesPerKeyframe - 1));
        var maxLag = (long)(MaxLag.TotalSeconds * frequency);
        var start = Stopwatch.GetTimestamp();
        var nextAudio = _options.AudioPps > 0 ? start : long.MaxValue;
        var nextVideo = start;
        var lastKeyframe = long.MinValue / 2;
        var frame = 0;
        while (!_stopping)
        {
            var due = Math.Min(nextAudio, nextVideo);
            PreciseSleep.Until(due);
            var now = Stopwatch.GetTimestamp();
            if (now - due > maxLag)
            {
                _resyncs++;
                nextAudio = _options.AudioPps > 0 ? Math.Max(nextAudio, now) : long.MaxValue;
                nextVideo = Math.Max(nextVideo, now);
            }
            if (nextAudio <= nextVideo)
            {
                SendAudio((uint)(_audioIndex * 960));
                nextAudio += audioPeriod;
                continue;
            }
            var requested = _keyframeRequested && Stopwatch.GetElapsedTime(lastKeyframe, now) >= KeyframeRequestGap;
            var isKey = frame % framesPerKeyframe == 0 || requested;
            if (isKey)
            {
                _keyframeRequested = false;
                lastKeyframe = now;
                _keyframes++;
            }
            var size = isKey ? keyframe : (int)(delta * (0.75 + (_random.NextDouble() * 0.5)));
            SendFrame((uint)(frame * (90_000 / _options.Fps)), Math.Max(size, MediaTrailer.Length + 3), isKey);
            frame++;
            nextVideo += videoPeriod;
        }
    }

    private void SendAudio(uint timestamp)
    {
        var payload = _payload.AsSpan(0, AudioPayload);
        payload[0] = 0x78; // Opus TOC: CELT FB 20 ms, mono
        Send(payload, MediaTrailer.Audio, _audioSsrc, 111, ++_audioSequence, timestamp, _audioIndex++, marker: false);
    }

    private void SendFrame(uint timestamp, int frameBytes, bool keyframe)
    {
        var packets = (frameBytes + MaxVideoPayload - 1) / MaxVideoPayload;
        var remaining = frameBytes;
        for (var p = 0; p < packets && !_stopping; p++)
        {
            var length = Math.Max(remaining / (packets - p), MediaTrailer.Length + 13);
            remaining -= length;
            var payload = _payload.AsSpan(0, length);
            payload.Clear();
            // VP8 payload descriptor (RFC 7741): S bit on the first packet of the frame, partition 0.
            payload[0] = (byte)(p == 0 ? 0x10 : 0x00);
            if (p == 0)
            {
                // VP8 payload header: P bit 0 = keyframe, show_frame; a keyframe carries the start code and 1280x720.
                payload[1] = (byte)(keyframe ? 0x10 : 0x11);
                if (keyframe)
                {
                    payload[4] = 0x9d;
                    payload[5] = 0x01;
                    payload[6] = 0x2a;
                    BinaryPrimitives.WriteUInt16LittleEndian(payload[7..], 1280);
                    BinaryPrimitives.WriteUInt16LittleEndian(payload[9..], 720);
                }
            }
            Send(payload, MediaTrailer.Video, _videoSsrc, 96, ++_videoSequence, timestamp, _videoIndex++, marker: p == packets - 1);
        }
    }

    private void Send(Span<byte> payload, byte kind, uint ssrc, byte payloadType, ushort sequence, uint timestamp, uint index, bool marker)
    {
        var sent = Clock.UnixNanoseconds();
        MediaTrailer.Write(payload, _index, kind, index, sent);
        _peer.SendRtp(ssrc, payloadType, sequence, timestamp, payload, marker);
        _packetsSent++;
        _bytesSent += payload.Length + 12;
        if (_window.Contains(sent))
        {
            if (kind == MediaTrailer.Audio)
            {
                _audioInWindow++;
            }
            else
            {
                _videoInWindow++;
            }
        }
        lock (_sizes)
        {
            _sizes[_sizeCount++ % _sizes.Length] = payload.Length + 12;
        }
    }

    private void OnRtcp(ReadOnlySpan<byte> compound, long received)
    {
        // Walk the compound: PSFB (206) with FMT 1 (PLI) or 4 (FIR) asks for a keyframe.
        for (var offset = 0; offset + 4 <= compound.Length;)
        {
            var words = BinaryPrimitives.ReadUInt16BigEndian(compound[(offset + 2)..]);
            if (compound[offset + 1] == 206 && (compound[offset] & 0x1f) is 1 or 4)
            {
                Interlocked.Increment(ref _keyframeRequests);
                _keyframeRequested = true;
            }
            offset += (words + 1) * 4;
        }
    }
}
