using System.Net;
using System.Net.Sockets;
using Bridge.Stun;

namespace Bridge.Tests.Stun;

public class StunWriterTests
{
    private static readonly byte[] Key = "remote-ice-password-24ch"u8.ToArray();
    private static readonly byte[] TransactionId = StunTestMessages.TransactionId;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Binding_request_round_trips(bool useCandidate)
    {
        var buffer = new byte[StunWriter.MaxMessageLength];
        int length = StunWriter.WriteBindingRequest(buffer, TransactionId, "abcd:wxyz1"u8, Key, 0x7E7F00FF, 0x0123456789ABCDEF, useCandidate);

        Assert.True(StunMessage.TryParse(buffer.AsSpan(0, length), out var message));
        Assert.Equal((ushort)StunMessageType.BindingRequest, message.MessageType);
        Assert.Equal(TransactionId, message.TransactionId.ToArray());
        Assert.Equal("abcd:wxyz1"u8.ToArray(), message.Username.ToArray());
        Assert.True(message.TryGetPriority(out uint priority));
        Assert.Equal(0x7E7F00FFu, priority);
        Assert.True(message.TryGetAttribute(StunAttributeType.IceControlling, out var tieBreaker));
        Assert.Equal(Convert.FromHexString("0123456789ABCDEF"), tieBreaker.ToArray());
        Assert.False(message.TryGetAttribute(StunAttributeType.IceControlled, out _));
        Assert.Equal(useCandidate, message.HasUseCandidate);
        Assert.True(message.VerifyFingerprint());
        Assert.True(message.VerifyMessageIntegrity(Key));
        Assert.False(message.VerifyMessageIntegrity("remote-ice-password-24cX"u8));

        // 20 header + USERNAME 4+12 + PRIORITY 8 + ICE-CONTROLLING 12 + USE-CANDIDATE 4 + MI 24 + FP 8.
        Assert.Equal(useCandidate ? 92 : 88, length);
    }

    [Fact]
    public void Binding_request_padding_is_zeroed()
    {
        var buffer = Enumerable.Repeat((byte)0xEE, StunWriter.MaxMessageLength).ToArray();
        StunWriter.WriteBindingRequest(buffer, TransactionId, "a:b"u8, Key, 1, 2, useCandidate: false);

        // USERNAME "a:b" sits at 24..27 followed by one padding byte.
        Assert.Equal(0, buffer[27]);
    }

    [Fact]
    public void Binding_request_up_to_the_size_limit_fits_and_beyond_throws()
    {
        var buffer = new byte[StunWriter.MaxMessageLength + 8];
        int maxUsername = StunWriter.MaxMessageLength - 20 - 4 - 8 - 12 - 4 - 24 - 8;
        byte[] username = Enumerable.Repeat((byte)'u', maxUsername).ToArray();

        int length = StunWriter.WriteBindingRequest(buffer, TransactionId, username, Key, 1, 2, useCandidate: true);
        Assert.Equal(StunWriter.MaxMessageLength, length);
        Assert.True(StunMessage.TryParse(buffer.AsSpan(0, length), out var message));
        Assert.Equal(username, message.Username.ToArray());

        Assert.Throws<ArgumentException>(() => StunWriter.WriteBindingRequest(buffer, TransactionId, [.. username, (byte)'u'], Key, 1, 2, useCandidate: true));
    }

    [Fact]
    public void Success_response_matches_the_rfc5769_ipv4_xor_mapped_address()
    {
        var mapped = new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853);
        var buffer = new byte[StunWriter.MaxMessageLength];
        int length = StunWriter.WriteBindingSuccess(buffer, Rfc5769Vectors.TransactionId, mapped.Serialize(), Rfc5769Vectors.ShortTermPassword);

        Assert.True(StunMessage.TryParse(buffer.AsSpan(0, length), out var written));
        Assert.True(StunMessage.TryParse(Rfc5769Vectors.IPv4Response, out var sample));
        AssertSameXorMappedAddress(sample, written);
        Assert.Equal((ushort)StunMessageType.BindingSuccessResponse, written.MessageType);
        Assert.True(written.TryGetXorMappedAddress(out var endPoint));
        Assert.Equal(mapped, endPoint);
        Assert.True(written.VerifyMessageIntegrity(Rfc5769Vectors.ShortTermPassword));
        Assert.True(written.VerifyFingerprint());
        Assert.Equal(20 + 12 + 24 + 8, length);
    }

    [Fact]
    public void Success_response_matches_the_rfc5769_ipv6_xor_mapped_address()
    {
        var mapped = new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853);
        var buffer = new byte[StunWriter.MaxMessageLength];
        int length = StunWriter.WriteBindingSuccess(buffer, Rfc5769Vectors.TransactionId, mapped.Serialize(), Rfc5769Vectors.ShortTermPassword);

        Assert.True(StunMessage.TryParse(buffer.AsSpan(0, length), out var written));
        Assert.True(StunMessage.TryParse(Rfc5769Vectors.IPv6Response, out var sample));
        AssertSameXorMappedAddress(sample, written);
        Assert.True(written.TryGetXorMappedAddress(out var endPoint));
        Assert.Equal(mapped, endPoint);
        Assert.True(written.VerifyMessageIntegrity(Rfc5769Vectors.ShortTermPassword));
        Assert.True(written.VerifyFingerprint());
        Assert.Equal(20 + 24 + 24 + 8, length);
    }

    [Fact]
    public void Success_response_reports_ipv4_mapped_ipv6_peers_as_ipv4()
    {
        var mapped = new IPEndPoint(IPAddress.Parse("::ffff:198.51.100.7"), 50000);
        var buffer = new byte[StunWriter.MaxMessageLength];
        int length = StunWriter.WriteBindingSuccess(buffer, TransactionId, mapped.Serialize(), Key);

        Assert.True(StunMessage.TryParse(buffer.AsSpan(0, length), out var message));
        Assert.True(message.TryGetXorMappedAddress(out var endPoint));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.51.100.7"), 50000), endPoint);
    }

    [Fact]
    public void Success_response_rejects_non_ip_addresses()
    {
        var buffer = new byte[StunWriter.MaxMessageLength];
        var unix = new SocketAddress(AddressFamily.Unix, 110);

        Assert.Throws<ArgumentException>(() => StunWriter.WriteBindingSuccess(buffer, TransactionId, unix, Key));
    }

    [Theory]
    [InlineData(StunErrorCode.BadRequest)]
    [InlineData(StunErrorCode.Unauthorized)]
    [InlineData(StunErrorCode.RoleConflict)]
    public void Error_response_with_key_round_trips(int code)
    {
        var buffer = new byte[StunWriter.MaxMessageLength];
        int length = StunWriter.WriteBindingError(buffer, TransactionId, code, Key);

        Assert.True(StunMessage.TryParse(buffer.AsSpan(0, length), out var message));
        Assert.Equal((ushort)StunMessageType.BindingErrorResponse, message.MessageType);
        Assert.True(message.TryGetErrorCode(out int parsed));
        Assert.Equal(code, parsed);
        Assert.True(message.TryGetAttribute(StunAttributeType.ErrorCode, out var value));
        Assert.Equal(StunErrorCode.ReasonPhrase(code).ToArray(), value[4..].ToArray());
        Assert.True(message.HasMessageIntegrity);
        Assert.True(message.VerifyMessageIntegrity(Key));
        Assert.True(message.VerifyFingerprint());
    }

    [Fact]
    public void Error_response_without_key_has_no_integrity()
    {
        var buffer = new byte[StunWriter.MaxMessageLength];
        int length = StunWriter.WriteBindingError(buffer, TransactionId, StunErrorCode.Unauthorized, ReadOnlySpan<byte>.Empty);

        Assert.True(StunMessage.TryParse(buffer.AsSpan(0, length), out var message));
        Assert.False(message.HasMessageIntegrity);
        Assert.False(message.VerifyMessageIntegrity(Key));
        Assert.True(message.VerifyFingerprint());
        Assert.True(message.TryGetErrorCode(out int code));
        Assert.Equal(401, code);
    }

    [Fact]
    public void Every_error_code_round_trips_and_out_of_range_codes_throw()
    {
        var buffer = new byte[StunWriter.MaxMessageLength];
        for (int code = 300; code <= 699; code++)
        {
            int length = StunWriter.WriteBindingError(buffer, TransactionId, code, Key);
            Assert.True(StunMessage.TryParse(buffer.AsSpan(0, length), out var message));
            Assert.True(message.TryGetErrorCode(out int parsed));
            Assert.Equal(code, parsed);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => StunWriter.WriteBindingError(buffer, TransactionId, 299, Key));
        Assert.Throws<ArgumentOutOfRangeException>(() => StunWriter.WriteBindingError(buffer, TransactionId, 700, Key));
    }

    [Fact]
    public void Bad_transaction_id_or_small_destination_throws_without_writing()
    {
        var buffer = new byte[StunWriter.MaxMessageLength];
        Assert.Throws<ArgumentException>(() => StunWriter.WriteBindingRequest(buffer, TransactionId.AsSpan(0, 11), "a:b"u8, Key, 1, 2, false));
        Assert.Throws<ArgumentException>(() => StunWriter.WriteBindingError(buffer, new byte[13], 400, Key));

        var small = new byte[87];
        Assert.Throws<ArgumentException>(() => StunWriter.WriteBindingRequest(small, TransactionId, "abcd:wxyz1"u8, Key, 1, 2, false));
        Assert.All(small, b => Assert.Equal(0, b));
        Assert.Equal(88, StunWriter.WriteBindingRequest(new byte[88], TransactionId, "abcd:wxyz1"u8, Key, 1, 2, false));
    }

    private static void AssertSameXorMappedAddress(StunMessage expected, StunMessage actual)
    {
        Assert.True(expected.TryGetAttribute(StunAttributeType.XorMappedAddress, out var expectedValue));
        Assert.True(actual.TryGetAttribute(StunAttributeType.XorMappedAddress, out var actualValue));
        Assert.Equal(expectedValue.ToArray(), actualValue.ToArray());
    }
}
