using System.Buffers.Binary;

namespace Bridge.Rtp;

/// <summary>Writes the RTCP packets the bridge originates; each method returns bytes written, or 0 when the destination is too small or the input cannot be encoded.</summary>
public static partial class RtcpWriter
{
    /// <summary>Largest value of the 5-bit count field.</summary>
    public const int MaxCount = 31;

    /// <summary>PLI (RFC 4585 6.3.1).</summary>
    public static int WritePli(Span<byte> d, uint senderSsrc, uint mediaSsrc) =>
        WriteFeedbackHeader(d, RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.PictureLossIndication, PictureLossIndication.Size, senderSsrc, mediaSsrc);

    /// <summary>FIR with one entry (RFC 5104 4.3.1); the common media SSRC stays 0 as 4.3.1.2 asks, the target goes in the FCI.</summary>
    public static int WriteFir(Span<byte> d, uint senderSsrc, uint mediaSsrc, byte sequenceNumber)
    {
        const int length = FullIntraRequest.FixedLength + FullIntraRequest.EntrySize;
        if (WriteFeedbackHeader(d, RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.FullIntraRequest, length, senderSsrc, 0) == 0)
        {
            return 0;
        }

        BinaryPrimitives.WriteUInt32BigEndian(d[12..], mediaSsrc);
        d[16] = sequenceNumber;
        d[17..length].Clear();
        return length;
    }

    /// <summary>Generic NACK (RFC 4585 6.2.1): each sequence number up to 16 after the current PID joins its BLP, so ascending input packs tightest.</summary>
    public static int WriteNack(Span<byte> d, uint senderSsrc, uint mediaSsrc, ReadOnlySpan<ushort> lostSequenceNumbers)
    {
        if (lostSequenceNumbers.IsEmpty)
        {
            return 0;
        }

        int offset = GenericNack.FixedLength;
        ushort pid = lostSequenceNumbers[0];
        int blp = 0;
        foreach (ushort seq in lostSequenceNumbers[1..])
        {
            int distance = SequenceNumbers.Distance(pid, seq);
            if (distance is >= 0 and <= 16)
            {
                blp |= distance == 0 ? 0 : 1 << (distance - 1);
                continue;
            }

            if (!TryWriteNackItem(d, ref offset, pid, blp))
            {
                return 0;
            }

            pid = seq;
            blp = 0;
        }

        if (!TryWriteNackItem(d, ref offset, pid, blp) || offset / 4 > ushort.MaxValue + 1)
        {
            return 0;
        }

        return WriteFeedbackHeader(d, RtcpPacketType.TransportFeedback, RtcpFeedbackFormat.GenericNack, offset, senderSsrc, mediaSsrc);
    }

    /// <summary>RR with up to 31 report blocks (RFC 3550 6.4.2).</summary>
    public static int WriteReceiverReport(Span<byte> d, uint senderSsrc, ReadOnlySpan<ReportBlock> blocks)
    {
        int length = ReceiverReport.FixedLength + (ReportBlock.Size * blocks.Length);
        if (blocks.Length > MaxCount || d.Length < length)
        {
            return 0;
        }

        WriteHeader(d, blocks.Length, RtcpPacketType.ReceiverReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(d[4..], senderSsrc);
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i].Write(d[(ReceiverReport.FixedLength + (ReportBlock.Size * i))..]);
        }

        return length;
    }

    /// <summary>SR without report blocks (RFC 3550 6.4.1).</summary>
    public static int WriteSenderReport(Span<byte> d, uint ssrc, ulong ntp, uint rtpTimestamp, uint packetCount, uint octetCount)
    {
        if (d.Length < SenderReport.FixedLength)
        {
            return 0;
        }

        WriteHeader(d, 0, RtcpPacketType.SenderReport, SenderReport.FixedLength);
        BinaryPrimitives.WriteUInt32BigEndian(d[4..], ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(d[8..], ntp);
        BinaryPrimitives.WriteUInt32BigEndian(d[16..], rtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(d[20..], packetCount);
        BinaryPrimitives.WriteUInt32BigEndian(d[24..], octetCount);
        return SenderReport.FixedLength;
    }

    /// <summary>REMB (draft-alvestrand-rmcat-remb-03 2.2) for up to 255 SSRCs; the bitrate is rounded down to an 18-bit mantissa.</summary>
    public static int WriteRemb(Span<byte> d, uint senderSsrc, ulong bitrate, ReadOnlySpan<uint> ssrcs)
    {
        int length = ReceiverEstimatedMaxBitrate.FixedLength + (4 * ssrcs.Length);
        if (ssrcs.Length > byte.MaxValue
            || WriteFeedbackHeader(d, RtcpPacketType.PayloadFeedback, RtcpFeedbackFormat.ApplicationLayer, length, senderSsrc, 0) == 0)
        {
            return 0;
        }

        int exponent = 0;
        while (bitrate > ReceiverEstimatedMaxBitrate.MaxMantissa)
        {
            bitrate >>= 1;
            exponent++;
        }

        BinaryPrimitives.WriteUInt32BigEndian(d[12..], ReceiverEstimatedMaxBitrate.Identifier);
        d[16] = (byte)ssrcs.Length;
        d[17] = (byte)((exponent << 2) | (int)(bitrate >> 16));
        d[18] = (byte)(bitrate >> 8);
        d[19] = (byte)bitrate;
        for (int i = 0; i < ssrcs.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(d[(ReceiverEstimatedMaxBitrate.FixedLength + (4 * i))..], ssrcs[i]);
        }

        return length;
    }

    /// <summary>BYE for up to 31 sources without a reason (RFC 3550 6.6), e.g. when a publisher leaves.</summary>
    public static int WriteBye(Span<byte> d, ReadOnlySpan<uint> ssrcs)
    {
        int length = RtcpPacket.HeaderLength + (4 * ssrcs.Length);
        if (ssrcs.Length > MaxCount || d.Length < length)
        {
            return 0;
        }

        WriteHeader(d, ssrcs.Length, RtcpPacketType.Bye, length);
        for (int i = 0; i < ssrcs.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(d[(RtcpPacket.HeaderLength + (4 * i))..], ssrcs[i]);
        }

        return length;
    }

    /// <summary>Writes the common header and both SSRCs of an RTPFB/PSFB packet of <paramref name="length"/> bytes (RFC 4585 6.1).</summary>
    private static int WriteFeedbackHeader(Span<byte> d, byte packetType, int format, int length, uint senderSsrc, uint mediaSsrc)
    {
        if (d.Length < length)
        {
            return 0;
        }

        WriteHeader(d, format, packetType, length);
        BinaryPrimitives.WriteUInt32BigEndian(d[4..], senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(d[8..], mediaSsrc);
        return length;
    }

    /// <summary>Version 2, no padding, the count/FMT, the type and the length in words minus one (RFC 3550 6.4.1).</summary>
    private static void WriteHeader(Span<byte> d, int count, byte packetType, int length)
    {
        d[0] = (byte)(0x80 | count);
        d[1] = packetType;
        BinaryPrimitives.WriteUInt16BigEndian(d[2..], (ushort)((length / 4) - 1));
    }

    private static bool TryWriteNackItem(Span<byte> d, ref int offset, ushort pid, int blp)
    {
        if (d.Length - offset < GenericNack.ItemSize)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(d[offset..], pid);
        BinaryPrimitives.WriteUInt16BigEndian(d[(offset + 2)..], (ushort)blp);
        offset += GenericNack.ItemSize;
        return true;
    }
}
