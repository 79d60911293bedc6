using BridgeRelay.Contracts;
using System.Text;
using System.Text.Json.Nodes;
using Signaling.Bridges;

namespace Bridge.Tests.Registration;

public class BridgeReportParserTests
{
    internal const string Valid = """
        {"bridgeId":"b1","region":"eu-west","apiUrl":"http://10.0.0.5:8080","mediaHost":"203.0.113.7","mediaPort":10000,
         "capacityPps":200000,"stress":0.25,"packetRatePps":50000,"endpoints":120,"conferences":3,"relays":2}
        """;

    private static bool Parse(string json, out BridgeReport? report, out string error, string id = "b1") =>
        BridgeReportParser.TryParse(id, Encoding.UTF8.GetBytes(json), out report, out error);

    private static string With(string field, JsonNode? value)
    {
        var node = JsonNode.Parse(Valid)!.AsObject();
        node[field] = value;
        return node.ToJsonString();
    }

    private static string Without(string field)
    {
        var node = JsonNode.Parse(Valid)!.AsObject();
        node.Remove(field);
        return node.ToJsonString();
    }

    [Fact]
    public void A_full_report_parses_field_by_field()
    {
        Assert.True(Parse(Valid, out var r, out var error), error);
        Assert.Equal(new BridgeReport("b1", "eu-west", "http://10.0.0.5:8080", "203.0.113.7", 10000, 200000, 0.25, 50000, 120, 3, 2), r);
        // The report interval is optional (older bridges do not send it) and read when present.
        Assert.True(Parse(With("reportIntervalSeconds", 10), out r, out error), error);
        Assert.Equal(10, r!.ReportIntervalSeconds);
    }

    [Theory]
    [InlineData("bridgeId")]
    [InlineData("region")]
    [InlineData("apiUrl")]
    [InlineData("mediaHost")]
    [InlineData("mediaPort")]
    [InlineData("capacityPps")]
    [InlineData("stress")]
    [InlineData("packetRatePps")]
    [InlineData("endpoints")]
    [InlineData("conferences")]
    [InlineData("relays")]
    public void A_missing_field_is_named(string field)
    {
        Assert.False(Parse(Without(field), out var r, out var error));
        Assert.Null(r);
        Assert.StartsWith(field + " ", error, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadValues => new()
    {
        { "bridgeId", "\"b2\"" },
        { "bridgeId", "1" },
        { "region", "\"eu west\"" },
        { "region", "\"\"" },
        { "region", $"\"{new string('r', 65)}\"" },
        { "apiUrl", "\"ftp://x/\"" },
        { "apiUrl", "\"/relative\"" },
        { "mediaHost", "\"\"" },
        { "mediaHost", "\"bad host!\"" },
        { "mediaPort", "0" },
        { "mediaPort", "65536" },
        { "mediaPort", "1.5" },
        { "mediaPort", "\"10000\"" },
        { "capacityPps", "0" },
        { "capacityPps", "-5" },
        { "stress", "-0.1" },
        { "stress", "1e300" },
        { "stress", "null" },
        { "packetRatePps", "-1" },
        { "endpoints", "-1" },
        { "endpoints", "3000000000" },
        { "conferences", "true" },
        { "relays", "[]" },
        { "reportIntervalSeconds", "0" },
        { "reportIntervalSeconds", "61" },
        { "reportIntervalSeconds", "\"5\"" },
        { "reportIntervalSeconds", "null" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_bad_value_is_named(string field, string json)
    {
        Assert.False(Parse(With(field, JsonNode.Parse(json)), out _, out var error));
        Assert.StartsWith(field + " ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("\"x\"")]
    [InlineData("{")]
    [InlineData("{\"a\":{\"b\":{\"c\":{\"d\":{}}}}}")]
    public void A_body_that_is_no_object_is_refused(string json)
    {
        Assert.False(Parse(json, out _, out var error));
        Assert.StartsWith("body ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_oversized_body_and_a_bad_url_id_are_refused()
    {
        Assert.False(BridgeReportParser.TryParse("b1", new byte[BridgeReportParser.MaxBytes + 1], out _, out var error));
        Assert.StartsWith("body ", error, StringComparison.Ordinal);
        Assert.False(Parse(Valid, out _, out error, id: "b 1"));
        Assert.StartsWith("bridgeId ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncations_bit_flips_and_random_bytes_never_throw()
    {
        var bytes = Encoding.UTF8.GetBytes(Valid);
        for (var n = 0; n < bytes.Length; n++)
        {
            Assert.False(BridgeReportParser.TryParse("b1", bytes.AsSpan(0, n), out _, out var error));
            Assert.NotEmpty(error);
        }

        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var copy = (byte[])bytes.Clone();
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
            if (!BridgeReportParser.TryParse("b1", copy, out var report, out var error))
            {
                Assert.NotEmpty(error);
            }
            else
            {
                Assert.NotNull(report);
            }

            var noise = new byte[random.Next(1, 300)];
            random.NextBytes(noise);
            Assert.False(BridgeReportParser.TryParse("b1", noise, out _, out _));
        }
    }
}
