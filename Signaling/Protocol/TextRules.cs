using System.Text;

namespace Signaling.Protocol;

/// <summary>Checks on free text fields (ids, names, tokens): well-formed UTF-16, no control characters, bounded length.</summary>
internal static class TextRules
{
    /// <summary>
    /// True when <paramref name="text"/> holds 1 to <paramref name="maxScalars"/> Unicode scalar values, no unpaired
    /// surrogate (a JSON <c>\uD800</c> escape can produce one) and no control character (general category Cc:
    /// C0, DEL, C1), so that it cannot break logs, terminals or other clients' layouts.
    /// </summary>
    public static bool IsClean(ReadOnlySpan<char> text, int maxScalars) => IsClean(text, maxScalars, lineBreaks: false);

    /// <summary>As <see cref="IsClean(ReadOnlySpan{char}, int)"/>; with <paramref name="lineBreaks"/> line feed and tab are allowed (chat text).</summary>
    public static bool IsClean(ReadOnlySpan<char> text, int maxScalars, bool lineBreaks)
    {
        var count = 0;
        while (!text.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(text, out var rune, out var used) != System.Buffers.OperationStatus.Done ||
                (Rune.IsControl(rune) && !(lineBreaks && rune.Value is 0x0A or 0x09)) || ++count > maxScalars)
            {
                return false;
            }

            text = text[used..];
        }

        return count > 0;
    }
}
