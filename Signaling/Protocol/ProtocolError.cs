namespace Signaling.Protocol;

/// <summary>Why a client frame or request was refused; the server turns it into an <see cref="ErrorMessage"/>.</summary>
/// <param name="Code">The error code.</param>
/// <param name="Message">A human-readable English explanation (not for programs to match).</param>
/// <param name="Field">For <see cref="ErrorCode.BadField"/>: the offending field's name; otherwise null.</param>
/// <param name="InReplyTo">The client's request id when it could be read, otherwise null.</param>
public sealed record ProtocolError(ErrorCode Code, string Message, string? Field = null, string? InReplyTo = null)
{
    /// <summary>Whether the server closes after replying (<see cref="ErrorCodes.IsFatalByDefault"/>).</summary>
    public bool Fatal => ErrorCodes.IsFatalByDefault(Code);

    /// <summary>
    /// The refusal of a frame of <paramref name="frameBytes"/> bytes; lets the server refuse a message it stopped
    /// buffering at the limit, without handing the parser a truncated prefix.
    /// </summary>
    public static ProtocolError FrameTooLarge(long frameBytes, int limitBytes) =>
        new(ErrorCode.FrameTooLarge, $"frame of {frameBytes} bytes exceeds the limit of {limitBytes} bytes");

    /// <summary>A <see cref="ErrorCode.BadField"/> error naming <paramref name="field"/>.</summary>
    public static ProtocolError BadField(string field, string why, string? inReplyTo) =>
        new(ErrorCode.BadField, $"field '{field}' {why}", field, inReplyTo);

    /// <summary>The <c>error</c> message to send for this error.</summary>
    public ErrorMessage ToMessage() => new(Code, Message, InReplyTo, Fatal, Field);
}
