namespace Bridge.Sdp;

/// <summary>Kind of media the bridge negotiates (RFC 8866 5.14 media types it serves).</summary>
public enum MediaKind
{
    /// <summary>An audio m-section (Opus).</summary>
    Audio,

    /// <summary>A video m-section (VP8, optionally with RTX).</summary>
    Video,
}
