using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using BridgeRelay.Crypto;

namespace BridgeRelay.Link;

/// <summary>
/// AES-128-GCM protection of one relay link end: one key and nonce salt per direction, derived from the link key with HKDF-SHA256 (RFC 5869),
/// on the same <see cref="Aes128Gcm"/> as SRTP (AES-NI where present).
/// Protect on one thread and unprotect on one thread (they share nothing); neither is safe to call concurrently with itself.
/// </summary>
public sealed class RelayCipher : IDisposable
{
    /// <summary>Bytes a protected datagram adds to its payload: the header and the GCM tag.</summary>
    public const int Overhead = RelayHeader.Length + TagLength;

    /// <summary>Length of the link key the control plane hands to both ends.</summary>
    public const int LinkKeyLength = 32;

    private const int TagLength = Aes128Gcm.TagSize;
    private const int KeyLength = 16;
    private const int SaltLength = 4;
    private const int NonceLength = 12;

    private readonly Aes128Gcm _send;
    private readonly Aes128Gcm _receive;
    private readonly uint _sendSalt;
    private readonly uint _receiveSalt;
    private ulong _sendSequence;
    private RelayReplayWindow _window;

    /// <summary>Derives both directions' keys; the ids must be distinct, non-empty and free of '&gt;' so that the two HKDF infos can never coincide.</summary>
    public RelayCipher(ReadOnlySpan<byte> linkKey, uint linkId, string localBridgeId, string peerBridgeId)
        : this(linkKey, linkId, localBridgeId, peerBridgeId, useIntrinsics: true)
    {
    }

    /// <summary>As the public constructor; <paramref name="useIntrinsics"/> false forces the platform's AES-GCM (tests, benchmarks).</summary>
    internal RelayCipher(ReadOnlySpan<byte> linkKey, uint linkId, string localBridgeId, string peerBridgeId, bool useIntrinsics)
    {
        ArgumentException.ThrowIfNullOrEmpty(localBridgeId);
        ArgumentException.ThrowIfNullOrEmpty(peerBridgeId);
        if (linkKey.Length != LinkKeyLength)
        {
            throw new ArgumentException($"A link key is {LinkKeyLength} bytes.", nameof(linkKey));
        }

        if (localBridgeId.Contains('>', StringComparison.Ordinal) || peerBridgeId.Contains('>', StringComparison.Ordinal))
        {
            throw new ArgumentException("Bridge ids must not contain '>', the separator of the key derivation info.");
        }

        if (string.Equals(localBridgeId, peerBridgeId, StringComparison.Ordinal))
        {
            // Equal ids would give both directions the same key and salt, and the same sequence numbers would then reuse GCM nonces.
            throw new ArgumentException("The two ends of a link must have different bridge ids.", nameof(peerBridgeId));
        }

        LinkId = linkId;
        (_send, _sendSalt) = DeriveDirection(linkKey, localBridgeId, peerBridgeId, useIntrinsics);
        (_receive, _receiveSalt) = DeriveDirection(linkKey, peerBridgeId, localBridgeId, useIntrinsics);
    }

    /// <summary>The link id this cipher writes and accepts.</summary>
    public uint LinkId { get; }

    /// <summary>True when both directions run on AES-NI rather than the platform's AES-GCM.</summary>
    internal bool UsesIntrinsics => _send.UsesIntrinsics && _receive.UsesIntrinsics;

    /// <summary>Sequence number of the last datagram protected; 0 before the first.</summary>
    public ulong LastSentSequence => _sendSequence;

    /// <summary>Highest sequence accepted from the peer; 0 before the first.</summary>
    public ulong HighestReceivedSequence => _window.Highest;

    /// <summary>
    /// Writes header, ciphertext and tag of <paramref name="payload"/> into <paramref name="destination"/> under the next sequence number.
    /// The payload may sit exactly at destination[24..] (in place) or anywhere not overlapping destination.
    /// False, with nothing consumed, when destination is shorter than payload + <see cref="Overhead"/>.
    /// </summary>
    public bool TryProtect(RelayKind kind, byte hopCount, uint linkId, uint conferenceId, uint sourceId, ReadOnlySpan<byte> payload, Span<byte> destination, out int written, byte flags = 0)
    {
        if (linkId != LinkId)
        {
            throw new ArgumentException("This cipher belongs to another link.", nameof(linkId));
        }

        written = 0;
        int length = payload.Length + Overhead;
        if (destination.Length < length || _sendSequence == ulong.MaxValue)
        {
            return false;
        }

        ulong sequence = ++_sendSequence;
        Span<byte> datagram = destination[..length];
        Span<byte> body = datagram[RelayHeader.Length..^TagLength];
        // The cipher works in place: a payload elsewhere is moved into the datagram first (a no-op when already there).
        payload.CopyTo(body);
        new RelayHeader(kind, hopCount, linkId, sequence, conferenceId, sourceId, flags).Write(datagram);
        Span<byte> nonce = stackalloc byte[NonceLength];
        WriteNonce(nonce, _sendSalt, sequence);
        _send.Encrypt(nonce, body, datagram[^TagLength..], datagram[..RelayHeader.Length]);
        written = length;
        return true;
    }

    /// <summary>
    /// Authenticates and decrypts <paramref name="datagram"/> in place; on Ok the plaintext is datagram[payloadOffset..][..payloadLength].
    /// Checks, in order: header parse, version, link id, tag, replay window (updated only after the tag verified), hop limit.
    /// Never throws on any input. <paramref name="header"/> is the parsed header whenever parsing succeeded.
    /// </summary>
    public RelayUnprotectResult Unprotect(Span<byte> datagram, out RelayHeader header, out int payloadOffset, out int payloadLength)
    {
        payloadOffset = 0;
        payloadLength = 0;
        if (!RelayHeader.TryParse(datagram, out header) || datagram.Length < Overhead)
        {
            return RelayUnprotectResult.Malformed;
        }

        if (header.Version != RelayAssembly.ProtocolVersion)
        {
            return RelayUnprotectResult.BadVersion;
        }

        if (header.LinkId != LinkId)
        {
            return RelayUnprotectResult.WrongLink;
        }

        Span<byte> nonce = stackalloc byte[NonceLength];
        WriteNonce(nonce, _receiveSalt, header.Sequence);
        Span<byte> body = datagram[RelayHeader.Length..^TagLength];
        if (!_receive.Decrypt(nonce, body, datagram[^TagLength..], datagram[..RelayHeader.Length]))
        {
            return RelayUnprotectResult.BadTag;
        }

        if (!_window.TryAccept(header.Sequence))
        {
            return RelayUnprotectResult.Replayed;
        }

        if (header.HopCount > RelayHeader.MaxHops)
        {
            return RelayUnprotectResult.HopLimit;
        }

        payloadOffset = RelayHeader.Length;
        payloadLength = body.Length;
        return RelayUnprotectResult.Ok;
    }

    /// <summary>Releases both AES-GCM instances.</summary>
    public void Dispose()
    {
        _send.Dispose();
        _receive.Dispose();
    }

    private static (Aes128Gcm Aead, uint Salt) DeriveDirection(ReadOnlySpan<byte> linkKey, string senderId, string receiverId, bool useIntrinsics)
    {
        byte[] info = Encoding.UTF8.GetBytes($"xxl-relay v1 {senderId}>{receiverId}");
        Span<byte> okm = stackalloc byte[KeyLength + SaltLength];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, linkKey, okm, ReadOnlySpan<byte>.Empty, info);
        var aead = new Aes128Gcm(okm[..KeyLength], useIntrinsics);
        uint salt = BinaryPrimitives.ReadUInt32BigEndian(okm[KeyLength..]);
        CryptographicOperations.ZeroMemory(okm);
        return (aead, salt);
    }

    /// <summary>Nonce = salt (4) || sequence (8): unique per direction because the salts differ and the sequence never repeats.</summary>
    private static void WriteNonce(Span<byte> nonce, uint salt, ulong sequence)
    {
        BinaryPrimitives.WriteUInt32BigEndian(nonce, salt);
        BinaryPrimitives.WriteUInt64BigEndian(nonce[SaltLength..], sequence);
    }
}
