namespace Signaling.Protocol;

/// <summary>Protocol version, field limits and the configurable parser bounds (docs/signaling-protocol.md, "Limits").</summary>
public sealed record ProtocolLimits
{
    /// <summary>The protocol version every frame carries in <c>v</c>.</summary>
    public const int Version = 1;

    /// <summary>Longest client request id, in UTF-16 code units.</summary>
    public const int MaxIdLength = 64;

    /// <summary>Longest tenant or room part of a room name.</summary>
    public const int MaxRoomPartLength = Assignment.RoomName.MaxPartLength;

    /// <summary>Longest display name after trimming, in Unicode scalar values.</summary>
    public const int MaxNameLength = 64;

    /// <summary>Longest token, in UTF-16 code units.</summary>
    public const int MaxTokenLength = 4096;

    /// <summary>Longest SDP offer, in UTF-16 code units (64 KiB).</summary>
    public const int MaxSdpLength = 64 * 1024;

    /// <summary>Longest chat message after trimming, in Unicode scalar values.</summary>
    public const int MaxChatLength = 2000;

    /// <summary>The defaults: 64 KiB frames, JSON nesting depth 16.</summary>
    public static ProtocolLimits Default { get; } = new();

    /// <summary>Frames longer than this many bytes are refused with <c>frame-too-large</c> before any parsing.</summary>
    public int MaxFrameBytes { get; init; } = 64 * 1024;

    /// <summary>Deepest JSON nesting accepted (the message object itself is depth 1); deeper frames are <c>bad-json</c>.</summary>
    public int MaxDepth { get; init; } = 16;
}
