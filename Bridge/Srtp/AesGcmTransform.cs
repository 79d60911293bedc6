using System.Buffers.Binary;
using System.Security.Cryptography;
using BridgeRelay.Crypto;

namespace Bridge.Srtp;

/// <summary>
/// AEAD_AES_128_GCM (RFC 7714): AES-128-GCM with a 16-byte tag, the RTP header as AAD, through <see cref="Aes128Gcm"/>
/// (AES-NI/PCLMULQDQ where the CPU has them, else the platform's).
/// </summary>
internal sealed class AesGcmTransform : SrtpTransform
{
    private const int KeyLength = 16;
    private const int SaltLength = 12;
    private const int RtcpHeaderLength = 8;
    private const int TagSize = 16;

    private readonly Aes128Gcm _rtp;
    private readonly Aes128Gcm _rtcp;
    private readonly byte[] _rtpSalt;
    private readonly byte[] _rtcpSalt;

    /// <summary>Builds the transform from already derived session keys and 12-byte session salts.</summary>
    public AesGcmTransform(ReadOnlySpan<byte> rtpKey, ReadOnlySpan<byte> rtpSalt, ReadOnlySpan<byte> rtcpKey, ReadOnlySpan<byte> rtcpSalt)
    {
        if (rtpKey.Length != KeyLength || rtcpKey.Length != KeyLength || rtpSalt.Length != SaltLength || rtcpSalt.Length != SaltLength)
        {
            throw new ArgumentException("AEAD_AES_128_GCM needs 16-byte keys and 12-byte salts.");
        }

        _rtp = new Aes128Gcm(rtpKey);
        _rtcp = new Aes128Gcm(rtcpKey);
        _rtpSalt = rtpSalt.ToArray();
        _rtcpSalt = rtcpSalt.ToArray();
    }

    /// <summary>RFC 7714 11: the AES-CM KDF of RFC 3711 4.3 over the 12-byte master salt; no auth keys.</summary>
    public static AesGcmTransform FromMaster(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        Span<byte> keys = stackalloc byte[2 * (KeyLength + SaltLength)];
        try
        {
            using (var prf = new AesCounterMode(masterKey))
            {
                SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtpEncryption, keys[0..16]);
                SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtpSalt, keys[16..28]);
                SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtcpEncryption, keys[28..44]);
                SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtcpSalt, keys[44..56]);
            }

            return new AesGcmTransform(keys[0..16], keys[16..28], keys[28..44], keys[44..56]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keys);
        }
    }

    public override SrtpProfile Profile => SrtpProfile.AeadAes128Gcm;

    // SRTCP trailer: the tag, then E||index (RFC 7714 9, Figure 3).
    public override int RtcpIndexFromEnd => SrtpProfiles.RtcpIndexLength;

    public override void ProtectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index)
    {
        Span<byte> nonce = stackalloc byte[SaltLength];
        RtpNonce(nonce, ssrc, index);
        int end = packet.Length - TagSize;
        Span<byte> payload = packet[headerLength..end];
        _rtp.Encrypt(nonce, payload, packet[end..], packet[..headerLength]);
    }

    public override bool UnprotectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index)
    {
        Span<byte> nonce = stackalloc byte[SaltLength];
        RtpNonce(nonce, ssrc, index);
        int end = packet.Length - TagSize;
        Span<byte> payload = packet[headerLength..end];
        return _rtp.Decrypt(nonce, payload, packet[end..], packet[..headerLength]);
    }

    public override void ProtectRtcp(Span<byte> packet, uint ssrc, uint index)
    {
        int end = packet.Length - TagSize - SrtpProfiles.RtcpIndexLength;
        uint indexWord = EncryptedFlag | index;
        BinaryPrimitives.WriteUInt32BigEndian(packet[^SrtpProfiles.RtcpIndexLength..], indexWord);
        Span<byte> nonce = stackalloc byte[SaltLength];
        RtcpNonce(nonce, ssrc, index);
        Span<byte> aad = stackalloc byte[RtcpHeaderLength + SrtpProfiles.RtcpIndexLength];
        EncryptedAad(aad, packet, indexWord);
        Span<byte> payload = packet[RtcpHeaderLength..end];
        _rtcp.Encrypt(nonce, payload, packet.Slice(end, TagSize), aad);
    }

    public override bool UnprotectRtcp(Span<byte> packet, uint ssrc, uint indexWord)
    {
        Span<byte> nonce = stackalloc byte[SaltLength];
        RtcpNonce(nonce, ssrc, indexWord & ~EncryptedFlag);
        int end = packet.Length - TagSize - SrtpProfiles.RtcpIndexLength;
        if ((indexWord & EncryptedFlag) != 0)
        {
            // RFC 7714 9.1: AAD = first 8 octets || E||index; the rest up to the tag is ciphertext.
            Span<byte> aad = stackalloc byte[RtcpHeaderLength + SrtpProfiles.RtcpIndexLength];
            EncryptedAad(aad, packet, indexWord);
            Span<byte> payload = packet[RtcpHeaderLength..end];
            return _rtcp.Decrypt(nonce, payload, packet.Slice(end, TagSize), aad);
        }

        // RFC 7714 9.2: unencrypted SRTCP authenticates packet || E||index with an empty plaintext.
        // The index word follows the tag on the wire, so move it next to the packet to make the AAD contiguous.
        Span<byte> tag = stackalloc byte[TagSize];
        packet.Slice(end, TagSize).CopyTo(tag);
        BinaryPrimitives.WriteUInt32BigEndian(packet[end..], indexWord);
        return _rtcp.Decrypt(nonce, Span<byte>.Empty, tag, packet[..(end + SrtpProfiles.RtcpIndexLength)]);
    }

    public override void Dispose()
    {
        _rtp.Dispose();
        _rtcp.Dispose();
        CryptographicOperations.ZeroMemory(_rtpSalt);
        CryptographicOperations.ZeroMemory(_rtcpSalt);
    }

    /// <summary>RFC 7714 8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt.</summary>
    private void RtpNonce(Span<byte> nonce, uint ssrc, ulong index)
    {
        nonce[..2].Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[6..], (uint)(index >> 16));
        BinaryPrimitives.WriteUInt16BigEndian(nonce[10..], (ushort)index);
        Xor(nonce, _rtpSalt);
    }

    /// <summary>RFC 7714 9.1: IV = (00 00 || SSRC || 00 00 || 0 || SRTCP index) XOR salt.</summary>
    private void RtcpNonce(Span<byte> nonce, uint ssrc, uint index)
    {
        nonce[..2].Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[2..], ssrc);
        nonce[6..8].Clear();
        BinaryPrimitives.WriteUInt32BigEndian(nonce[8..], index);
        Xor(nonce, _rtcpSalt);
    }

    private static void EncryptedAad(Span<byte> aad, ReadOnlySpan<byte> packet, uint indexWord)
    {
        packet[..RtcpHeaderLength].CopyTo(aad);
        BinaryPrimitives.WriteUInt32BigEndian(aad[RtcpHeaderLength..], indexWord);
    }

    private static void Xor(Span<byte> nonce, ReadOnlySpan<byte> salt)
    {
        for (int i = 0; i < nonce.Length; i++)
        {
            nonce[i] ^= salt[i];
        }
    }
}
