using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LoadHarness;

/// <summary>What a viewer needs from a bridge's SDP answer: its UDP host candidate (IPv4), ICE ufrag and password, DTLS fingerprint.</summary>
public sealed record SdpAnswer(IPEndPoint Candidate, string IceUfrag, string IcePassword, string Fingerprint)
{
    /// <summary>Reads the first IPv4 UDP candidate and the first ice-ufrag, ice-pwd and fingerprint; false (never a throw) when one is missing or malformed.</summary>
    public static bool TryParse(string? sdp, out SdpAnswer? answer)
    {
        answer = null;
        if (sdp is null)
        {
            return false;
        }
        IPEndPoint? candidate = null;
        string? ufrag = null, password = null, fingerprint = null;
        foreach (var raw in sdp.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (candidate is null && line.StartsWith("a=candidate:", StringComparison.Ordinal))
            {
                candidate = ParseCandidate(line["a=candidate:".Length..]);
            }
            ufrag ??= Value(line, "a=ice-ufrag:");
            password ??= Value(line, "a=ice-pwd:");
            fingerprint ??= Value(line, "a=fingerprint:");
        }
        if (candidate is null || ufrag is null || password is null || fingerprint is null)
        {
            return false;
        }
        answer = new SdpAnswer(candidate, ufrag, password, fingerprint);
        return true;
    }

    private static string? Value(string line, string prefix) =>
        line.StartsWith(prefix, StringComparison.Ordinal) && line.Length > prefix.Length ? line[prefix.Length..] : null;

    // RFC 8839 5.1: foundation component transport priority address port "typ" type ...
    private static IPEndPoint? ParseCandidate(string value)
    {
        var f = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return f.Length >= 8
            && f[2].Equals("udp", StringComparison.OrdinalIgnoreCase)
            && IPAddress.TryParse(f[4], out var ip) && ip.AddressFamily == AddressFamily.InterNetwork
            && int.TryParse(f[5], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? new IPEndPoint(ip, port)
            : null;
    }
}
