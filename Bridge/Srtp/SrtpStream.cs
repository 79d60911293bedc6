namespace Bridge.Srtp;

/// <summary>Per-SSRC SRTP/SRTCP state of one context direction: send counters or receive replay windows.</summary>
internal sealed class SrtpStream
{
    /// <summary>Largest valid 48-bit SRTP index, ROC 2^32-1 and sequence 65535 (RFC 3711 3.3.1).</summary>
    public const ulong MaxRtpIndex = (1UL << 48) - 1;

    /// <summary>Largest SRTCP index; it must not wrap under one key (RFC 3711 3.4, 9.2).</summary>
    public const uint MaxRtcpIndex = 0x7FFF_FFFF;

    /// <summary>The SSRC this state belongs to.</summary>
    public uint Ssrc { get; }

    /// <summary>Highest RTP index protected so far, valid once <see cref="HasSent"/> is set.</summary>
    public ulong SentTop { get; set; }

    /// <summary>True once one RTP packet was protected for this SSRC.</summary>
    public bool HasSent { get; set; }

    /// <summary>SRTCP index of the next packet protected for this SSRC.</summary>
    public uint NextRtcpIndex { get; set; }

    /// <summary>Receive window over 48-bit SRTP indexes, created by the first authenticated packet.</summary>
    public SrtpReplayWindow? RtpWindow { get; set; }

    /// <summary>Receive window over SRTCP indexes, created by the first authenticated packet.</summary>
    public SrtpReplayWindow? RtcpWindow { get; set; }

    public SrtpStream(uint ssrc) => Ssrc = ssrc;

    /// <summary>
    /// RFC 3711 3.3.1 / Appendix A: the index of sequence number <paramref name="seq"/> closest to the
    /// highest index <paramref name="top"/> seen, guessing ROC-1, ROC or ROC+1. Returns false when the
    /// guess falls outside 0..2^48-1 (a packet before the stream began, or a ROC that would overflow).
    /// </summary>
    public static bool TryEstimateIndex(ulong top, ushort seq, out ulong index)
    {
        long roc = (long)(top >> 16);
        int highest = (ushort)top;
        long guess = roc;
        if (highest < 32768)
        {
            if (seq - highest > 32768)
            {
                guess = roc - 1;
            }
        }
        else if (highest - 32768 > seq)
        {
            guess = roc + 1;
        }

        index = ((ulong)guess << 16) | seq;
        return guess >= 0 && index <= MaxRtpIndex;
    }
}
