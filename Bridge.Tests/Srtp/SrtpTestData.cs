using System.Buffers.Binary;
using Bridge.Srtp;

namespace Bridge.Tests.Srtp;

/// <summary>Hex decoding, packet builders and context factories shared by the SRTP tests.</summary>
internal static class SrtpTestData
{
    public static readonly SrtpProfile[] Profiles = [SrtpProfile.AesCm128HmacSha1Tag80, SrtpProfile.AeadAes128Gcm];

    public static byte[] Hex(string hex) => Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c))));

    /// <summary>A master key and salt of the right sizes, distinct per <paramref name="seed"/>.</summary>
    public static (byte[] Key, byte[] Salt) Master(SrtpProfile profile, int seed = 1)
    {
        var random = new Random(seed);
        var key = new byte[SrtpProfiles.MasterKeyLength(profile)];
        var salt = new byte[SrtpProfiles.MasterSaltLength(profile)];
        random.NextBytes(key);
        random.NextBytes(salt);
        return (key, salt);
    }

    /// <summary>A sender and a receiver context keyed alike.</summary>
    public static (SrtpContext Sender, SrtpContext Receiver) Pair(SrtpProfile profile, int replayWindow = 1024, int maxSsrcs = 64)
    {
        var (key, salt) = Master(profile);
        return (new SrtpContext(profile, key, salt, replayWindow, maxSsrcs), new SrtpContext(profile, key, salt, replayWindow, maxSsrcs));
    }

    /// <summary>A transform keyed directly with fixed session keys, to compute what a given index must produce.</summary>
    public static SrtpTransform SessionTransform(SrtpProfile profile)
    {
        byte[] key = Hex("00112233445566778899aabbccddeeff");
        byte[] salt = Hex("f0e1d2c3b4a5968778695a4b3c2d");
        byte[] auth = Hex("0102030405060708090a0b0c0d0e0f1011121314");
        return profile == SrtpProfile.AeadAes128Gcm
            ? new AesGcmTransform(key, salt.AsSpan(0, 12), key, salt.AsSpan(0, 12))
            : new AesCmHmacTransform(key, salt, auth, key, salt, auth);
    }

    /// <summary>What protecting <paramref name="plain"/> at an explicit 48-bit <paramref name="index"/> gives.</summary>
    public static byte[] ProtectAtIndex(SrtpTransform transform, byte[] plain, int headerLength, ulong index)
    {
        var buffer = new byte[plain.Length + transform.TagLength];
        plain.CopyTo(buffer, 0);
        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(plain.AsSpan(8));
        transform.ProtectRtp(buffer, headerLength, ssrc, index);
        return buffer;
    }

    /// <summary>An RTP packet: V=2, PT 96, optional CSRCs and a one-byte-header extension, then a patterned payload.</summary>
    public static byte[] RtpBytes(ushort seq, uint ssrc = 0x11223344, int payloadLength = 100, int csrcs = 0, int extensionWords = 0, byte fill = 0)
    {
        int header = 12 + (4 * csrcs) + (extensionWords > 0 ? 4 + (4 * extensionWords) : 0);
        var packet = new byte[header + payloadLength];
        packet[0] = (byte)(0x80 | (extensionWords > 0 ? 0x10 : 0) | csrcs);
        packet[1] = 96;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), seq);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), seq * 960u);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        for (int i = 0; i < csrcs; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(12 + (4 * i)), 0xC0000000u + (uint)i);
        }

        if (extensionWords > 0)
        {
            int at = 12 + (4 * csrcs);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(at), 0xBEDE);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(at + 2), (ushort)extensionWords);
            for (int i = at + 4; i < header; i++)
            {
                packet[i] = (byte)(0x10 + i);
            }
        }

        for (int i = header; i < packet.Length; i++)
        {
            packet[i] = (byte)(fill + seq + i);
        }

        return packet;
    }

    /// <summary>An RTCP receiver report from <paramref name="ssrc"/> followed by patterned bytes.</summary>
    public static byte[] Rtcp(uint ssrc = 0x55667788, int bodyLength = 24)
    {
        var packet = new byte[8 + bodyLength];
        packet[0] = 0x81;
        packet[1] = 201;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)((packet.Length / 4) - 1));
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), ssrc);
        for (int i = 8; i < packet.Length; i++)
        {
            packet[i] = (byte)(i * 7);
        }

        return packet;
    }

    /// <summary>Protects a copy of <paramref name="plain"/> and returns exactly the protected bytes.</summary>
    public static byte[] ProtectRtp(SrtpContext context, byte[] plain)
    {
        var buffer = new byte[plain.Length + SrtpProfiles.MaxOverhead];
        plain.CopyTo(buffer, 0);
        Assert.True(context.TryProtectRtp(buffer, plain.Length, out int length));
        Assert.Equal(plain.Length + SrtpProfiles.RtpOverhead(context.Profile), length);
        return buffer[..length];
    }

    /// <summary>Protects a copy of <paramref name="plain"/> RTCP and returns exactly the protected bytes.</summary>
    public static byte[] ProtectRtcp(SrtpContext context, byte[] plain)
    {
        var buffer = new byte[plain.Length + SrtpProfiles.MaxOverhead];
        plain.CopyTo(buffer, 0);
        Assert.True(context.TryProtectRtcp(buffer, plain.Length, out int length));
        Assert.Equal(plain.Length + SrtpProfiles.RtcpOverhead(context.Profile), length);
        return buffer[..length];
    }

    /// <summary>Unprotects a copy; returns the error and, on success, the plain bytes.</summary>
    public static (SrtpError Error, byte[] Plain) UnprotectRtp(SrtpContext context, byte[] packet)
    {
        var copy = (byte[])packet.Clone();
        SrtpError error = context.UnprotectRtp(copy, out int length);
        return (error, copy[..length]);
    }

    /// <summary>Unprotects a copy of SRTCP; returns the error and, on success, the plain bytes.</summary>
    public static (SrtpError Error, byte[] Plain) UnprotectRtcp(SrtpContext context, byte[] packet)
    {
        var copy = (byte[])packet.Clone();
        SrtpError error = context.UnprotectRtcp(copy, out int length);
        return (error, copy[..length]);
    }
}
