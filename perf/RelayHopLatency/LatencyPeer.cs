using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using Bridge.Client;
using Bridge.Rtp;
using Bridge.Srtp;

namespace RelayHopLatency;

/// <summary>
/// A <see cref="SimulatedPeer"/> that sends and records latency probes: video packets whose payload starts
/// with the send time, a run tag and an index. Neither side allocates per packet (a per-packet array would
/// trigger GCs that pause the in-process bridges too); arrival is the peer's receive timestamp, taken
/// as soon as recvfrom returns, before decryption.
/// </summary>
public sealed class LatencyPeer : IDisposable
{
    /// <summary>SSRC of the published video stream (<see cref="SimulatedPeer.CreateOffer"/>'s default).</summary>
    public const uint VideoSsrc = 0x2222;

    /// <summary>VP8 payload type in the offer.</summary>
    public const byte VideoPayloadType = 96;

    /// <summary>Bytes of the payload that carry the probe: send timestamp, run tag, packet index.</summary>
    public const int ProbeLength = 16;

    private const int RtpHeaderLength = 12;

    private readonly SimulatedPeer _peer;
    private readonly byte[] _payload = new byte[SimulatedPeer.MaxDatagramLength];
    private volatile LatencyRecording? _recording;
    private ushort _sequence;
    private uint _timestamp;

    /// <summary>Binds the peer's socket with large buffers; RTP goes to the probe recorder, RTCP is dropped unread.</summary>
    public LatencyPeer()
    {
        _peer = new SimulatedPeer(socketBufferBytes: 4 << 20)
        {
            RtpObserver = OnRtp,
            // The bridge's reports are not measured; dropping them keeps the receive thread allocation-free.
            RtcpObserver = static (_, _) => { },
        };
    }

    /// <summary>The negotiated SRTP profile.</summary>
    public SrtpProfile? Profile => _peer.Profile;

    /// <summary>
    /// The offer: audio and video sendonly for a publisher (only video is sent), one recvonly video
    /// section for a receiver.
    /// </summary>
    public string CreateOffer(bool publish) =>
        publish ? _peer.CreateOffer(publish: true, videoSsrc: VideoSsrc) : _peer.CreateOffer(publish: false, recvAudio: 0, recvVideo: 1);

    /// <summary>ICE and DTLS with the bridge; afterwards consent checks every 2 s (RFC 7675).</summary>
    public async Task ConnectAsync(IPEndPoint bridge, string bridgeUfrag, string bridgePassword, string bridgeFingerprint, TimeSpan timeout)
    {
        await _peer.ConnectAsync(bridge, bridgeUfrag, bridgePassword, bridgeFingerprint, timeout);
        _peer.StartConsentChecks(TimeSpan.FromSeconds(2));
    }

    /// <summary>Starts recording arrivals of probes carrying <paramref name="recording"/>'s tag (null stops).</summary>
    public void Record(LatencyRecording? recording) => _recording = recording;

    /// <summary>
    /// Sends one video packet of <paramref name="length"/> bytes (RTP header included) whose payload starts
    /// with the probe: the send time (Stopwatch ticks, taken last before the peer builds, protects and sends
    /// the packet), <paramref name="tag"/> and <paramref name="index"/>. One sending thread only.
    /// </summary>
    public void SendProbe(int tag, int index, int length)
    {
        var payload = _payload.AsSpan(0, length - RtpHeaderLength);
        BinaryPrimitives.WriteInt32BigEndian(payload[8..], tag);
        BinaryPrimitives.WriteInt32BigEndian(payload[12..], index);
        BinaryPrimitives.WriteInt64BigEndian(payload, Stopwatch.GetTimestamp());
        _peer.SendRtp(VideoSsrc, VideoPayloadType, ++_sequence, _timestamp += 90, payload);
    }

    /// <inheritdoc/>
    public void Dispose() => _peer.Dispose();

    private void OnRtp(ReadOnlySpan<byte> plain, long receivedTimestamp)
    {
        if (_recording is { } recording && RtpPacket.TryParse(plain, out var rtp) && plain.Length - rtp.HeaderLength >= ProbeLength)
        {
            var probe = plain[rtp.HeaderLength..];
            recording.Arrived(
                BinaryPrimitives.ReadInt32BigEndian(probe[8..]),
                BinaryPrimitives.ReadInt32BigEndian(probe[12..]),
                receivedTimestamp - BinaryPrimitives.ReadInt64BigEndian(probe));
        }
    }
}
