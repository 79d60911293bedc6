using System.Security.Cryptography;
using System.Text;

namespace Bridge.Tests.Stun;

/// <summary>The sample messages of RFC 5769 section 2, byte for byte (their FINGERPRINT/MESSAGE-INTEGRITY make any typo fail).</summary>
internal static class Rfc5769Vectors
{
    /// <summary>Short-term password of 2.1-2.3.</summary>
    public static readonly byte[] ShortTermPassword = "VOkJxbRl1RmTxUk/WvJxBt"u8.ToArray();

    public static readonly byte[] TransactionId = Convert.FromHexString("b7e7a701bc34d686fa87dfae");

    /// <summary>2.1 Sample Request: SOFTWARE "STUN test client", PRIORITY, ICE-CONTROLLED, USERNAME "evtj:h6vY".</summary>
    public static readonly byte[] Request = Hex(
        "00010058", // Binding request, length 88
        "2112a442", // magic cookie
        "b7e7a701", "bc34d686", "fa87dfae", // transaction id
        "80220010", // SOFTWARE, 16 bytes
        "5354554e", "20746573", "7420636c", "69656e74",
        "00240004", // PRIORITY
        "6e0001ff",
        "80290008", // ICE-CONTROLLED
        "932ff9b1", "51263b36",
        "00060009", // USERNAME, 9 bytes + 3 bytes padding (spaces in the RFC)
        "6576746a", "3a683676", "59202020",
        "00080014", // MESSAGE-INTEGRITY
        "9aeaa70c", "bfd8cb56", "781ef2b5", "b2d3f249", "c1b571a2",
        "80280004", // FINGERPRINT
        "e57a3bcf");

    /// <summary>2.2 Sample IPv4 Response: SOFTWARE "test vector", XOR-MAPPED-ADDRESS 192.0.2.1:32853.</summary>
    public static readonly byte[] IPv4Response = Hex(
        "0101003c",
        "2112a442",
        "b7e7a701", "bc34d686", "fa87dfae",
        "8022000b", // SOFTWARE, 11 bytes + 1 byte padding
        "74657374", "20766563", "746f7220",
        "00200008", // XOR-MAPPED-ADDRESS
        "0001a147", "e112a643",
        "00080014",
        "2b91f599", "fd9e90c3", "8c7489f9", "2af9ba53", "f06be7d7",
        "80280004",
        "c07d4c96");

    /// <summary>2.3 Sample IPv6 Response: XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853.</summary>
    public static readonly byte[] IPv6Response = Hex(
        "01010048",
        "2112a442",
        "b7e7a701", "bc34d686", "fa87dfae",
        "8022000b",
        "74657374", "20766563", "746f7220",
        "00200014", // XOR-MAPPED-ADDRESS
        "0002a147", "0113a9fa", "a5d3f179", "bc25f4b5", "bed2b9d9",
        "00080014",
        "a382954e", "4be67bf1", "1784c97c", "8292c275", "bfe3ed41",
        "80280004",
        "c8fb0b4c");

    /// <summary>2.4 Sample Request with Long-Term Authentication: USERNAME (katakana "matrix"), NONCE, REALM "example.org", no FINGERPRINT.</summary>
    public static readonly byte[] LongTermRequest = Hex(
        "00010060",
        "2112a442",
        "78ad3433", "c6ad72c0", "29da412e",
        "00060012", // USERNAME, 18 bytes + 2 bytes padding
        "e3839ee3", "8388e383", "aae38383", "e382afe3", "82b90000",
        "0015001c", // NONCE "f//499k954d6OL34oL9FSTvy64sA"
        "662f2f34", "39396b39", "35346436", "4f4c3334", "6f4c3946", "53547679", "36347341",
        "0014000b", // REALM "example.org" + 1 byte padding
        "6578616d", "706c652e", "6f726700",
        "00080014",
        "f6702465", "6dd64a3e", "02b8e071", "2e85c9a2", "8ca89666");

    /// <summary>2.4 username: U+30DE U+30C8 U+30EA U+30C3 U+30AF U+30B9 (unchanged by SASLprep).</summary>
    public const string LongTermUsername = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";

    /// <summary>Long-term key (RFC 8489 9.2.2): MD5(username ":" realm ":" SASLprep(password)), password "The\u00ADM\u00AAtr\u2168" preps to "TheMatrIX".</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "RFC 8489 9.2.2 defines the long-term key as MD5.")]
    public static byte[] LongTermKey() => MD5.HashData(Encoding.UTF8.GetBytes(LongTermUsername + ":example.org:TheMatrIX"));

    public static IEnumerable<byte[]> All => [Request, IPv4Response, IPv6Response, LongTermRequest];

    private static byte[] Hex(params string[] words) => Convert.FromHexString(string.Concat(words));
}
