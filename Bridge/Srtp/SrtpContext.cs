using System.Buffers.Binary;
using BridgeRelay.Crypto;

namespace Bridge.Srtp;

/// <summary>
/// One direction (protect OR unprotect) of one DTLS-SRTP session: the session keys for RTP and RTCP
/// derived once from the master key/salt; per-SSRC state (ROC, highest sequence, replay window) kept
/// inside. Not thread-safe: owned by one worker.
/// </summary>
public sealed class SrtpContext : IDisposable
{
    private const int RtpFixedHeaderLength = 12;
    private const int RtcpFixedHeaderLength = 8;
    private const int InitialSsrcCapacity = 4;

    private readonly SrtpTransform _transform;
    private readonly int _replayWindow;
    private readonly int _maxSsrcs;
    private readonly int _tagLength;
    private uint[] _ssrcs;
    private SrtpStream[] _streams;
    private int _count;

    /// <summary>Derives the session keys (RFC 3711 4.3, kdr 0) from the DTLS-exported master key and salt.</summary>
    /// <param name="profile">The negotiated protection profile.</param>
    /// <param name="masterKey">16 bytes.</param>
    /// <param name="masterSalt">14 bytes for AES-CM, 12 for GCM.</param>
    /// <param name="replayWindow">Receive replay window in packets, 64 to 32768 (RFC 3711 3.3.2 asks for at least 64).</param>
    /// <param name="maxSsrcs">Most SSRCs this context tracks; further SSRCs are refused.</param>
    public SrtpContext(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, int replayWindow = 1024, int maxSsrcs = 64)
        : this(CreateTransform(profile, masterKey, masterSalt), replayWindow, maxSsrcs)
    {
    }

    /// <summary>Wraps an already keyed transform (session keys given directly, as in the RFC test vectors).</summary>
    internal SrtpContext(SrtpTransform transform, int replayWindow = 1024, int maxSsrcs = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replayWindow, 64);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replayWindow, 32768);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSsrcs, 1);
        _transform = transform;
        _tagLength = transform.TagLength;
        _replayWindow = replayWindow;
        _maxSsrcs = maxSsrcs;
        int capacity = Math.Min(InitialSsrcCapacity, maxSsrcs);
        _ssrcs = new uint[capacity];
        _streams = new SrtpStream[capacity];
    }

    /// <summary>The protection profile this context was keyed for.</summary>
    public SrtpProfile Profile => _transform.Profile;

    /// <summary>
    /// Protects buffer[0..length) in place. The buffer must have room for length + RtpOverhead.
    /// Returns false only if the packet is too short or malformed, the buffer too small or the SSRC table full.
    /// </summary>
    public bool TryProtectRtp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        if (length < RtpFixedHeaderLength || length > buffer.Length - _tagLength || length > AesCounterMode.MaxLength
            || !TryGetRtpHeaderLength(buffer[..length], out int headerLength))
        {
            return false;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]);
        ushort seq = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        SrtpStream? stream = Find(ssrc);
        ulong index = seq;
        if (stream is { HasSent: true })
        {
            // The sender uses the same estimate as a receiver (RFC 3711 3.3.1): a retransmission of an older
            // sequence number keeps the index it was first sent with and leaves the ROC alone.
            if (!SrtpStream.TryEstimateIndex(stream.SentTop, seq, out index))
            {
                return false;
            }
        }
        else if (stream is null)
        {
            if (_count >= _maxSsrcs)
            {
                return false;
            }

            stream = Add(ssrc);
        }

        if (!stream.HasSent || index > stream.SentTop)
        {
            stream.SentTop = index;
            stream.HasSent = true;
        }

        protectedLength = length + _tagLength;
        _transform.ProtectRtp(buffer[..protectedLength], headerLength, ssrc, index);
        return true;
    }

    /// <summary>
    /// Unprotects an SRTP packet in place; on success packet[0..plainLength) is the RTP packet.
    /// The tag is verified before the ROC, highest sequence number or replay window change.
    /// </summary>
    public SrtpError UnprotectRtp(Span<byte> packet, out int plainLength)
    {
        plainLength = 0;
        if (packet.Length < RtpFixedHeaderLength + _tagLength)
        {
            return SrtpError.TooShort;
        }

        int length = packet.Length - _tagLength;
        if (length > AesCounterMode.MaxLength || !TryGetRtpHeaderLength(packet[..length], out int headerLength))
        {
            return SrtpError.Malformed;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        ushort seq = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        SrtpStream? stream = Find(ssrc);
        SrtpReplayWindow? window = stream?.RtpWindow;
        ulong index = seq;
        if (window is not null)
        {
            if (!SrtpStream.TryEstimateIndex(window.Top, seq, out index) || window.IsReplayed(index))
            {
                return SrtpError.Replayed;
            }
        }
        else if (stream is null && _count >= _maxSsrcs)
        {
            return SrtpError.TooManySsrcs;
        }

        // RFC 3711 3.3.1: the first packet of a stream is taken with ROC 0 and its own sequence number.
        if (!_transform.UnprotectRtp(packet, headerLength, ssrc, index))
        {
            return SrtpError.AuthenticationFailed;
        }

        stream ??= Add(ssrc);
        if (window is null)
        {
            stream.RtpWindow = new SrtpReplayWindow(_replayWindow, index);
        }
        else
        {
            window.Accept(index);
        }

        plainLength = length;
        return SrtpError.None;
    }

    /// <summary>
    /// Protects the RTCP packet in buffer[0..length) in place, always encrypted (E flag set), with this
    /// context's SRTCP index for the sender SSRC. The buffer must have room for length + RtcpOverhead.
    /// </summary>
    public bool TryProtectRtcp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        int overhead = SrtpProfiles.RtcpIndexLength + _tagLength;
        if (length < RtcpFixedHeaderLength || length > buffer.Length - overhead || length > AesCounterMode.MaxLength
            || !IsVersion2(buffer[0]))
        {
            return false;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        SrtpStream? stream = Find(ssrc);
        if (stream is null)
        {
            if (_count >= _maxSsrcs)
            {
                return false;
            }

            stream = Add(ssrc);
        }

        // RFC 3711 3.4: the index starts at 0; it must not wrap under one master key.
        uint index = stream.NextRtcpIndex;
        if (index > SrtpStream.MaxRtcpIndex)
        {
            return false;
        }

        stream.NextRtcpIndex = index + 1;
        protectedLength = length + overhead;
        _transform.ProtectRtcp(buffer[..protectedLength], ssrc, index);
        return true;
    }

    /// <summary>
    /// Unprotects an SRTCP packet in place (encrypted or, if the E flag is clear, authenticated only);
    /// on success packet[0..plainLength) is the RTCP compound packet.
    /// </summary>
    public SrtpError UnprotectRtcp(Span<byte> packet, out int plainLength)
    {
        plainLength = 0;
        int overhead = SrtpProfiles.RtcpIndexLength + _tagLength;
        if (packet.Length < RtcpFixedHeaderLength + overhead)
        {
            return SrtpError.TooShort;
        }

        if (!IsVersion2(packet[0]) || packet.Length - overhead > AesCounterMode.MaxLength)
        {
            return SrtpError.Malformed;
        }

        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        uint indexWord = BinaryPrimitives.ReadUInt32BigEndian(packet[^_transform.RtcpIndexFromEnd..]);
        uint index = indexWord & SrtpStream.MaxRtcpIndex;
        SrtpStream? stream = Find(ssrc);
        SrtpReplayWindow? window = stream?.RtcpWindow;
        if (window is not null)
        {
            if (window.IsReplayed(index))
            {
                return SrtpError.Replayed;
            }
        }
        else if (stream is null && _count >= _maxSsrcs)
        {
            return SrtpError.TooManySsrcs;
        }

        if (!_transform.UnprotectRtcp(packet, ssrc, indexWord))
        {
            return SrtpError.AuthenticationFailed;
        }

        stream ??= Add(ssrc);
        if (window is null)
        {
            stream.RtcpWindow = new SrtpReplayWindow(_replayWindow, index);
        }
        else
        {
            window.Accept(index);
        }

        plainLength = packet.Length - overhead;
        return SrtpError.None;
    }

    /// <summary>Releases the cipher and HMAC objects and wipes the session keys they hold.</summary>
    public void Dispose() => _transform.Dispose();

    private static SrtpTransform CreateTransform(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        if (masterKey.Length != SrtpProfiles.MasterKeyLength(profile))
        {
            throw new ArgumentException($"{profile} needs a {SrtpProfiles.MasterKeyLength(profile)}-byte master key.", nameof(masterKey));
        }

        if (masterSalt.Length != SrtpProfiles.MasterSaltLength(profile))
        {
            throw new ArgumentException($"{profile} needs a {SrtpProfiles.MasterSaltLength(profile)}-byte master salt.", nameof(masterSalt));
        }

        return profile == SrtpProfile.AeadAes128Gcm
            ? AesGcmTransform.FromMaster(masterKey, masterSalt)
            : AesCmHmacTransform.FromMaster(masterKey, masterSalt);
    }

    private static bool IsVersion2(byte first) => first >> 6 == 2;

    /// <summary>RFC 3550 5.1/5.3.1: 12 fixed octets, 4 per CSRC, then the extension header and its words.</summary>
    private static bool TryGetRtpHeaderLength(ReadOnlySpan<byte> packet, out int headerLength)
    {
        headerLength = 0;
        if (packet.Length < RtpFixedHeaderLength || !IsVersion2(packet[0]))
        {
            return false;
        }

        int length = RtpFixedHeaderLength + (4 * (packet[0] & 0x0F));
        if ((packet[0] & 0x10) != 0)
        {
            if (length + 4 > packet.Length)
            {
                return false;
            }

            length += 4 + (4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]));
        }

        headerLength = length;
        return length <= packet.Length;
    }

    private SrtpStream? Find(uint ssrc)
    {
        int i = _ssrcs.AsSpan(0, _count).IndexOf(ssrc);
        return i < 0 ? null : _streams[i];
    }

    /// <summary>Adds state for a new SSRC; the tables grow by doubling up to maxSsrcs, so steady state allocates nothing.</summary>
    private SrtpStream Add(uint ssrc)
    {
        if (_count == _ssrcs.Length)
        {
            int capacity = Math.Min(_ssrcs.Length * 2, _maxSsrcs);
            Array.Resize(ref _ssrcs, capacity);
            Array.Resize(ref _streams, capacity);
        }

        var stream = new SrtpStream(ssrc);
        _ssrcs[_count] = ssrc;
        _streams[_count] = stream;
        _count++;
        return stream;
    }
}
