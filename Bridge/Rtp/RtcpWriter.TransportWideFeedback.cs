using System.Buffers.Binary;

namespace Bridge.Rtp;

/// <summary>Transport-wide congestion control feedback, so publishers' send-side bandwidth estimation works through the bridge.</summary>
public static partial class RtcpWriter
{
    /// <summary>
    /// Transport-wide feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 3.1) for consecutive packets starting at
    /// <c>statuses[0].SequenceNumber</c>; only <see cref="TransportWideFeedbackStatus.Received"/> and
    /// <see cref="TransportWideFeedbackStatus.DeltaTicks"/> are encoded. The reference time keeps its low 24 bits, as libwebrtc wraps it.
    /// Returns 0 when the destination is too small, the sequence numbers are not consecutive or a delta exceeds 16 signed bits.
    /// </summary>
    public static int WriteTransportWideFeedback(
        Span<byte> d, uint senderSsrc, uint mediaSsrc, int referenceTime, byte feedbackPacketCount, ReadOnlySpan<TransportWideFeedbackStatus> statuses)
    {
        const int header = TransportWideFeedback.FixedLength;
        if (statuses.IsEmpty || statuses.Length > ushort.MaxValue || d.Length < header)
        {
            return 0;
        }

        ushort baseSequence = statuses[0].SequenceNumber;
        for (int i = 0; i < statuses.Length; i++)
        {
            if (statuses[i].SequenceNumber != unchecked((ushort)(baseSequence + i)) || DeltaSymbol(statuses[i]) < 0)
            {
                return 0;
            }
        }

        int offset = header;
        for (int i = 0; i < statuses.Length;)
        {
            if (d.Length - offset < 2)
            {
                return 0;
            }

            BinaryPrimitives.WriteUInt16BigEndian(d[offset..], NextChunk(statuses[i..], out int covered));
            offset += 2;
            i += covered;
        }

        // 3.1.5: one byte per small delta and two per large one, in packet order after the last chunk; the symbol is the size.
        foreach (TransportWideFeedbackStatus status in statuses)
        {
            int size = DeltaSymbol(status);
            if (d.Length - offset < size)
            {
                return 0;
            }

            if (size == 1)
            {
                d[offset] = (byte)status.DeltaTicks;
            }
            else if (size == 2)
            {
                BinaryPrimitives.WriteInt16BigEndian(d[offset..], (short)status.DeltaTicks);
            }

            offset += size;
        }

        // Like libwebrtc, pad to a word with the P bit and a count octet (RFC 3550 6.4.1) rather than bare zeros.
        int length = (offset + 3) & ~3;
        if (d.Length < length)
        {
            return 0;
        }

        d[offset..length].Clear();
        WriteFeedbackHeader(d, RtcpPacketType.TransportFeedback, RtcpFeedbackFormat.TransportWideCc, length, senderSsrc, mediaSsrc);
        if (length > offset)
        {
            d[0] |= 0x20;
            d[length - 1] = (byte)(length - offset);
        }

        BinaryPrimitives.WriteUInt16BigEndian(d[12..], baseSequence);
        BinaryPrimitives.WriteUInt16BigEndian(d[14..], (ushort)statuses.Length);
        d[16] = (byte)(referenceTime >> 16);
        d[17] = (byte)(referenceTime >> 8);
        d[18] = (byte)referenceTime;
        d[19] = feedbackPacketCount;
        return length;
    }

    /// <summary>Status symbol, equal to the delta size in bytes: 0 lost, 1 small (0..255 ticks), 2 large (16-bit signed), -1 not encodable.</summary>
    private static int DeltaSymbol(TransportWideFeedbackStatus status) =>
        !status.Received ? 0
        : status.DeltaTicks is >= 0 and <= byte.MaxValue ? 1
        : status.DeltaTicks is >= short.MinValue and <= short.MaxValue ? 2
        : -1;

    /// <summary>
    /// Greedy chunk choice (3.1.3, 3.1.4): a run-length chunk for 14 or more equal symbols or for all that remain, otherwise a
    /// one-bit vector of 14 when no large delta is among them, else a two-bit vector of 7. Unused vector slots stay 0 and are ignored by the status count.
    /// </summary>
    private static ushort NextChunk(ReadOnlySpan<TransportWideFeedbackStatus> rest, out int covered)
    {
        int first = DeltaSymbol(rest[0]);
        int run = 1;
        while (run < rest.Length && run < 0x1FFF && DeltaSymbol(rest[run]) == first)
        {
            run++;
        }

        if (run >= 14 || run == rest.Length)
        {
            covered = run;
            return (ushort)((first << 13) | run);
        }

        covered = Math.Min(14, rest.Length);
        bool needsTwoBits = false;
        for (int i = 0; i < covered; i++)
        {
            needsTwoBits |= DeltaSymbol(rest[i]) == 2;
        }

        int chunk;
        if (needsTwoBits)
        {
            covered = Math.Min(7, rest.Length);
            chunk = 0xC000;
            for (int i = 0; i < covered; i++)
            {
                chunk |= DeltaSymbol(rest[i]) << (12 - (2 * i));
            }
        }
        else
        {
            chunk = 0x8000;
            for (int i = 0; i < covered; i++)
            {
                chunk |= DeltaSymbol(rest[i]) << (13 - i);
            }
        }

        return (ushort)chunk;
    }
}
