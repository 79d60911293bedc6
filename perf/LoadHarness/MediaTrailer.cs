using System.Buffers.Binary;

namespace LoadHarness;

/// <summary>
/// The last <see cref="Length"/> bytes of every synthetic RTP payload: a magic, the publisher, the stream kind, a
/// per-stream packet index and the send time (Unix ns, CLOCK_REALTIME, the clock of the kernel's receive stamps).
/// At the end so VP8 and Opus headers stay where a bridge would look.
/// </summary>
public static class MediaTrailer
{
    /// <summary>Bytes the trailer takes.</summary>
    public const int Length = 20;

    /// <summary>Stream kind: audio.</summary>
    public const byte Audio = 0;

    /// <summary>Stream kind: video.</summary>
    public const byte Video = 1;

    private const uint Magic = 0x4C48_5631; // "LHV1"

    /// <summary>Writes the trailer into the last <see cref="Length"/> bytes of <paramref name="payload"/>.</summary>
    public static void Write(Span<byte> payload, int publisher, byte kind, uint index, long sendUnixNanoseconds)
    {
        var t = payload[^Length..];
        BinaryPrimitives.WriteUInt32BigEndian(t, Magic);
        BinaryPrimitives.WriteUInt16BigEndian(t[4..], (ushort)publisher);
        t[6] = kind;
        t[7] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(t[8..], index);
        BinaryPrimitives.WriteInt64BigEndian(t[12..], sendUnixNanoseconds);
    }

    /// <summary>Reads the trailer of a payload; false when the payload is too short or not ours.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out int publisher, out byte kind, out uint index, out long sendUnixNanoseconds)
    {
        publisher = 0;
        kind = 0;
        index = 0;
        sendUnixNanoseconds = 0;
        if (payload.Length < Length)
        {
            return false;
        }
        var t = payload[^Length..];
        if (BinaryPrimitives.ReadUInt32BigEndian(t) != Magic || t[6] > Video)
        {
            return false;
        }
        publisher = BinaryPrimitives.ReadUInt16BigEndian(t[4..]);
        kind = t[6];
        index = BinaryPrimitives.ReadUInt32BigEndian(t[8..]);
        sendUnixNanoseconds = BinaryPrimitives.ReadInt64BigEndian(t[12..]);
        return true;
    }
}
