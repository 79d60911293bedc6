using Bridge.Sdp;

namespace Bridge.Tests.Sdp;

/// <summary>Bridge-side inputs and SDP text helpers shared by the SDP tests.</summary>
internal static class SdpTestData
{
    public const string MidUri = "urn:ietf:params:rtp-hdrext:sdes:mid";
    public const string AbsSendTimeUri = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    public const string AudioLevelUri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    public const string BridgeFingerprintHex = "9E:93:47:9B:4B:45:AA:D4:B0:05:F0:21:D9:92:48:DE:AD:E2:63:F7:F7:6B:6B:1E:B1:2A:53:BC:FA:E6:06:1F";

    public static readonly string[] DefaultExtensions = [MidUri, AbsSendTimeUri, AudioLevelUri];

    public static readonly BridgeTransportInfo BridgeTransport = new("Brdg", "bridgeIcePassword0123456", "sha-256", BridgeFingerprintHex, "127.0.0.1", 40000);

    public static readonly SlotSsrc[] AudioSlots = [new(1000001, null), new(1000002, null), new(1000003, null)];

    public static readonly SlotSsrc[] VideoSlots = [new(2000001, 2000101)];

    public static SdpOffer Parse(string sdp)
    {
        Assert.True(SdpParser.TryParseOffer(sdp, out SdpOffer? offer, out string? error), error);
        Assert.Null(error);
        return offer!;
    }

    public static SdpAnswer Answer(string offerSdp, bool isPublisher, IReadOnlyList<SlotSsrc>? audio = null, IReadOnlyList<SlotSsrc>? video = null, IReadOnlyCollection<string>? extensions = null)
    {
        bool ok = SdpAnswerBuilder.TryBuildAnswer(Parse(offerSdp), isPublisher, BridgeTransport, audio ?? AudioSlots, video ?? VideoSlots, "bridge", extensions ?? DefaultExtensions, out SdpAnswer? answer, out string? error);
        Assert.True(ok, error);
        return answer!;
    }

    /// <summary>The answer's lines; fails unless every line ends in CRLF.</summary>
    public static string[] Lines(string sdp)
    {
        Assert.EndsWith("\r\n", sdp, StringComparison.Ordinal);
        string[] lines = sdp[..^2].Split("\r\n");
        Assert.DoesNotContain(lines, l => l.Contains('\n', StringComparison.Ordinal) || l.Contains('\r', StringComparison.Ordinal));
        return lines;
    }

    /// <summary>Lines before the first m-line.</summary>
    public static string[] SessionLines(string sdp) => Lines(sdp).TakeWhile(l => !l.StartsWith("m=", StringComparison.Ordinal)).ToArray();

    /// <summary>Lines of the m-section at <paramref name="index"/>, m-line included.</summary>
    public static string[] Section(string sdp, int index)
    {
        var sections = new List<List<string>>();
        foreach (string line in Lines(sdp))
        {
            if (line.StartsWith("m=", StringComparison.Ordinal))
            {
                sections.Add([]);
            }

            if (sections.Count > 0)
            {
                sections[^1].Add(line);
            }
        }

        return [.. sections[index]];
    }

    /// <summary>Values of the lines starting with <paramref name="prefix"/>, prefix removed.</summary>
    public static string[] Values(string[] lines, string prefix) =>
        lines.Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => l[prefix.Length..]).ToArray();
}
