using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Bridge.Rtp;
using Bridge.Srtp;

namespace Bridge.Benchmarks;

/// <summary>
/// SRTP protect of one 1,200-byte RTP packet (12-byte header, 1,188-byte payload) per operation, in
/// place, as the forwarder does it: copy the plain packet into the send buffer, write the next
/// sequence number, protect. The baseline does the copy and the write only.
/// </summary>
[MemoryDiagnoser]
public class SrtpProtectBenchmarks
{
    /// <summary>Whole RTP packet length, header included (the LIMITS.md "1,200 B" packet).</summary>
    public const int PacketLength = 1200;

    private readonly byte[] _plain = new byte[PacketLength];
    private readonly byte[] _buffer = new byte[PacketLength + SrtpProfiles.MaxOverhead];
    private SrtpContext? _context;
    private ushort _sequence;

    /// <summary>The SRTP protection profile under test.</summary>
    [Params(SrtpProfile.AesCm128HmacSha1Tag80, SrtpProfile.AeadAes128Gcm)]
    public SrtpProfile Profile { get; set; }

    /// <summary>Random keys and a plain VP8-like packet (SSRC 0x2222, payload type 96).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _context = new SrtpContext(
            Profile,
            RandomNumberGenerator.GetBytes(SrtpProfiles.MasterKeyLength(Profile)),
            RandomNumberGenerator.GetBytes(SrtpProfiles.MasterSaltLength(Profile)));
        WritePlainPacket(_plain, ssrc: 0x2222, payloadType: 96);
    }

    /// <summary>Releases the SRTP context.</summary>
    [GlobalCleanup]
    public void Cleanup() => _context?.Dispose();

    /// <summary>Copy + sequence write only: what every protect below also pays.</summary>
    [Benchmark(Baseline = true)]
    public int CopyAndSequence()
    {
        _plain.CopyTo(_buffer, 0);
        RtpHeader.SetSequenceNumber(_buffer, ++_sequence);
        return _buffer[3];
    }

    /// <summary>Copy + sequence write + <see cref="SrtpContext.TryProtectRtp"/>.</summary>
    [Benchmark]
    public int Protect()
    {
        _plain.CopyTo(_buffer, 0);
        RtpHeader.SetSequenceNumber(_buffer, ++_sequence);
        return _context!.TryProtectRtp(_buffer, PacketLength, out var protectedLength) ? protectedLength : throw new InvalidOperationException("protect failed");
    }

    /// <summary>Writes an RTP version-2 header (sequence 0, timestamp 0) and a random payload.</summary>
    internal static void WritePlainPacket(Span<byte> packet, uint ssrc, byte payloadType)
    {
        packet.Clear();
        packet[0] = 0x80;
        RtpHeader.SetPayloadType(packet, payloadType);
        RtpHeader.SetSsrc(packet, ssrc);
        RandomNumberGenerator.Fill(packet[12..]);
    }
}
