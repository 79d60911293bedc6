using System.Buffers.Binary;
using System.Security.Cryptography;
using BridgeRelay.Crypto;

namespace Bridge.Srtp;

/// <summary>AES_CM_128_HMAC_SHA1_80 (RFC 3711): AES-128 counter mode, then an 80-bit HMAC-SHA1 tag.</summary>
internal sealed class AesCmHmacTransform : SrtpTransform
{
    private const int SaltLength = 14;
    private const int AuthKeyLength = 20;
    private const int Sha1Length = 20;

    private readonly Direction _rtp;
    private readonly Direction _rtcp;

    /// <summary>Builds the transform from already derived session keys (RFC 3711 4.3).</summary>
    public AesCmHmacTransform(
        ReadOnlySpan<byte> rtpKey, ReadOnlySpan<byte> rtpSalt, ReadOnlySpan<byte> rtpAuthKey,
        ReadOnlySpan<byte> rtcpKey, ReadOnlySpan<byte> rtcpSalt, ReadOnlySpan<byte> rtcpAuthKey,
        bool useIntrinsics = true)
    {
        _rtp = new Direction(rtpKey, rtpSalt, rtpAuthKey, useIntrinsics);
        _rtcp = new Direction(rtcpKey, rtcpSalt, rtcpAuthKey, useIntrinsics);
    }

    /// <summary>Derives the six session keys from the master key and 14-byte master salt, then builds the transform.</summary>
    public static AesCmHmacTransform FromMaster(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        Span<byte> keys = stackalloc byte[2 * (16 + SaltLength + AuthKeyLength)];
        try
        {
            using (var prf = new AesCounterMode(masterKey))
            {
                SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtpEncryption, keys[0..16]);
                SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtpSalt, keys[16..30]);
                SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtpAuthentication, keys[30..50]);
                SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtcpEncryption, keys[50..66]);
                SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtcpSalt, keys[66..80]);
                SrtpKeyDerivation.Derive(prf, masterSalt, SrtpKeyDerivation.RtcpAuthentication, keys[80..100]);
            }

            return new AesCmHmacTransform(keys[0..16], keys[16..30], keys[30..50], keys[50..66], keys[66..80], keys[80..100]);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keys);
        }
    }

    public override SrtpProfile Profile => SrtpProfile.AesCm128HmacSha1Tag80;

    // SRTCP trailer: E||index, then the tag (RFC 3711 3.4, Figure 2).
    public override int RtcpIndexFromEnd => SrtpProfiles.RtcpIndexLength + TagLength;

    public override void ProtectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index)
    {
        int end = packet.Length - TagLength;
        _rtp.Crypt(packet[headerLength..end], ssrc, index);
        // RFC 3711 4.2: the tag covers the authenticated portion followed by the 32-bit ROC.
        _rtp.Tag(packet[..end], (uint)(index >> 16), packet[end..]);
    }

    public override bool UnprotectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index)
    {
        int end = packet.Length - TagLength;
        if (!_rtp.Verify(packet[..end], (uint)(index >> 16), packet[end..]))
        {
            return false;
        }

        _rtp.Crypt(packet[headerLength..end], ssrc, index);
        return true;
    }

    public override void ProtectRtcp(Span<byte> packet, uint ssrc, uint index)
    {
        int end = packet.Length - RtcpIndexFromEnd;
        BinaryPrimitives.WriteUInt32BigEndian(packet[end..], EncryptedFlag | index);
        // RFC 3711 3.4: everything after the first 8 octets (header and sender SSRC) is encrypted.
        _rtcp.Crypt(packet[8..end], ssrc, index);
        int authenticated = end + SrtpProfiles.RtcpIndexLength;
        _rtcp.Tag(packet[..authenticated], null, packet[authenticated..]);
    }

    public override bool UnprotectRtcp(Span<byte> packet, uint ssrc, uint indexWord)
    {
        int authenticated = packet.Length - TagLength;
        if (!_rtcp.Verify(packet[..authenticated], null, packet[authenticated..]))
        {
            return false;
        }

        if ((indexWord & EncryptedFlag) != 0)
        {
            _rtcp.Crypt(packet[8..(authenticated - SrtpProfiles.RtcpIndexLength)], ssrc, indexWord & ~EncryptedFlag);
        }

        return true;
    }

    public override void Dispose()
    {
        _rtp.Dispose();
        _rtcp.Dispose();
    }

    /// <summary>Cipher, salt and HMAC of one of SRTP or SRTCP.</summary>
    private sealed class Direction : IDisposable
    {
        private readonly AesCounterMode _cipher;
        private readonly byte[] _salt;
        private readonly IncrementalHash _hmac;

        public Direction(ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> authKey, bool useIntrinsics)
        {
            if (salt.Length != SaltLength || authKey.Length != AuthKeyLength)
            {
                throw new ArgumentException("AES-CM session salt must be 14 bytes and the auth key 20 bytes.");
            }

            _cipher = new AesCounterMode(key, useIntrinsics);
            _salt = salt.ToArray();
            _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, authKey);
        }

        /// <summary>RFC 3711 4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16).</summary>
        public void Crypt(Span<byte> data, uint ssrc, ulong index)
        {
            Span<byte> iv = stackalloc byte[AesCounterMode.BlockSize];
            iv.Clear();
            BinaryPrimitives.WriteUInt32BigEndian(iv[4..], ssrc);
            BinaryPrimitives.WriteUInt16BigEndian(iv[8..], (ushort)(index >> 32));
            BinaryPrimitives.WriteUInt32BigEndian(iv[10..], (uint)index);
            for (int i = 0; i < SaltLength; i++)
            {
                iv[i] ^= _salt[i];
            }

            _cipher.Apply(iv, data);
        }

        /// <summary>Writes the truncated HMAC-SHA1 of <paramref name="data"/> (|| ROC for SRTP) into <paramref name="tag"/>.</summary>
        public void Tag(ReadOnlySpan<byte> data, uint? roc, Span<byte> tag)
        {
            Span<byte> mac = stackalloc byte[Sha1Length];
            Mac(data, roc, mac);
            mac[..tag.Length].CopyTo(tag);
        }

        /// <summary>Compares the truncated HMAC in constant time.</summary>
        public bool Verify(ReadOnlySpan<byte> data, uint? roc, ReadOnlySpan<byte> tag)
        {
            Span<byte> mac = stackalloc byte[Sha1Length];
            Mac(data, roc, mac);
            return CryptographicOperations.FixedTimeEquals(mac[..tag.Length], tag);
        }

        public void Dispose()
        {
            _cipher.Dispose();
            _hmac.Dispose();
            CryptographicOperations.ZeroMemory(_salt);
        }

        private void Mac(ReadOnlySpan<byte> data, uint? roc, Span<byte> mac)
        {
            _hmac.AppendData(data);
            if (roc is uint value)
            {
                Span<byte> rocBytes = stackalloc byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(rocBytes, value);
                _hmac.AppendData(rocBytes);
            }

            _hmac.GetHashAndReset(mac);
        }
    }
}
