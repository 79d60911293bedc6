using Bridge.Sdp;

namespace Bridge.Conferences;

/// <summary>A source as a parent bridge announces it: SSRC, kind, rank (slot order), payload type, clock rate.</summary>
public readonly record struct RelayedSourceInfo(uint Ssrc, MediaKind Kind, int Rank, int PayloadType, int ClockRate);
