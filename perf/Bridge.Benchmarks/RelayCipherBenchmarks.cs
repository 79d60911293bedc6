using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BridgeRelay.Link;

namespace Bridge.Benchmarks;

/// <summary>
/// Relay-link protect of one 1,200-byte RTP packet per operation, in place, as a relay link sends a source down:
/// copy the packet behind the relay header, protect. The platform's AES-GCM (OpenSSL) against AES-NI; the baseline
/// is the copy alone.
/// </summary>
[MemoryDiagnoser]
public class RelayCipherBenchmarks
{
    private const uint LinkId = 7;
    private readonly byte[] _packet = RandomNumberGenerator.GetBytes(SrtpProtectBenchmarks.PacketLength);
    private readonly byte[] _datagram = new byte[SrtpProtectBenchmarks.PacketLength + RelayCipher.Overhead];
    private RelayCipher? _cipher;

    /// <summary>True: <see cref="RelayCipher"/> on AES-NI/PCLMULQDQ; false: on System.Security.Cryptography.AesGcm.</summary>
    [Params(false, true)]
    public bool Intrinsics { get; set; }

    /// <summary>A link cipher from a random link key.</summary>
    [GlobalSetup]
    public void Setup() => _cipher = new RelayCipher(RandomNumberGenerator.GetBytes(RelayCipher.LinkKeyLength), LinkId, "core", "leaf", Intrinsics);

    /// <summary>Releases the cipher.</summary>
    [GlobalCleanup]
    public void Cleanup() => _cipher?.Dispose();

    /// <summary>The copy every protect below also pays.</summary>
    [Benchmark(Baseline = true)]
    public int Copy()
    {
        _packet.CopyTo(_datagram, RelayHeader.Length);
        return _datagram[RelayHeader.Length];
    }

    /// <summary>Copy + <see cref="RelayCipher.TryProtect"/> in place.</summary>
    [Benchmark]
    public int Protect()
    {
        _packet.CopyTo(_datagram, RelayHeader.Length);
        var payload = _datagram.AsSpan(RelayHeader.Length, _packet.Length);
        return _cipher!.TryProtect(RelayKind.Rtp, 0, LinkId, 1, 2, payload, _datagram, out var written) ? written : throw new InvalidOperationException("protect failed");
    }
}
