using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Bridge.Stun;

namespace Bridge.Tests.Stun;

public class SocketAddressReaderTests
{
    [Fact]
    public void IPv4_layout_is_sockaddr_in()
    {
        SocketAddress address = new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853).Serialize();
        ReadOnlySpan<byte> raw = address.Buffer.Span[..address.Size];

        Assert.Equal(AddressFamily.InterNetwork, address.Family);
        Assert.Equal(16, address.Size);
        Assert.Equal(32853, BinaryPrimitives.ReadUInt16BigEndian(raw[2..]));
        Assert.Equal(new byte[] { 192, 0, 2, 1 }, raw[4..8].ToArray());
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(raw)); // AF_INET
        }

        Span<byte> ip = stackalloc byte[16];
        Assert.Equal(4, SocketAddressReader.Read(address, ip, out ushort port));
        Assert.Equal(32853, port);
        Assert.Equal(new byte[] { 192, 0, 2, 1 }, ip[..4].ToArray());
    }

    [Fact]
    public void IPv6_layout_is_sockaddr_in6()
    {
        var expected = IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677");
        SocketAddress address = new IPEndPoint(expected, 443).Serialize();
        ReadOnlySpan<byte> raw = address.Buffer.Span[..address.Size];

        Assert.Equal(AddressFamily.InterNetworkV6, address.Family);
        Assert.Equal(28, address.Size);
        Assert.Equal(443, BinaryPrimitives.ReadUInt16BigEndian(raw[2..]));
        Assert.Equal(expected.GetAddressBytes(), raw[8..24].ToArray());
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(10, BinaryPrimitives.ReadUInt16LittleEndian(raw)); // AF_INET6
        }

        Span<byte> ip = stackalloc byte[16];
        Assert.Equal(16, SocketAddressReader.Read(address, ip, out ushort port));
        Assert.Equal(443, port);
        Assert.Equal(expected.GetAddressBytes(), ip.ToArray());
    }

    [Fact]
    public void IPv4_mapped_IPv6_reads_as_IPv4_and_unknown_families_as_nothing()
    {
        Span<byte> ip = stackalloc byte[16];
        Assert.Equal(4, SocketAddressReader.Read(new IPEndPoint(IPAddress.Parse("::ffff:10.1.2.3"), 9).Serialize(), ip, out ushort port));
        Assert.Equal(9, port);
        Assert.Equal(new byte[] { 10, 1, 2, 3 }, ip[..4].ToArray());

        // ::1 and ::ffff:0:0/96 neighbours stay IPv6.
        Assert.Equal(16, SocketAddressReader.Read(new IPEndPoint(IPAddress.IPv6Loopback, 9).Serialize(), ip, out _));
        Assert.Equal(16, SocketAddressReader.Read(new IPEndPoint(IPAddress.Parse("::fffe:10.1.2.3"), 9).Serialize(), ip, out _));

        Assert.Equal(0, SocketAddressReader.Read(new SocketAddress(AddressFamily.Unix, 110), ip, out port));
        Assert.Equal(0, port);
    }

    [Fact]
    public void Address_filled_by_ReceiveFrom_reads_back_the_sender()
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        client.SendTo([1, 2, 3], server.LocalEndPoint!);

        var from = new SocketAddress(AddressFamily.InterNetwork);
        server.ReceiveTimeout = 5000;
        Assert.Equal(3, server.ReceiveFrom(new byte[16], SocketFlags.None, from));

        Span<byte> ip = stackalloc byte[16];
        Assert.Equal(4, SocketAddressReader.Read(from, ip, out ushort port));
        Assert.Equal(((IPEndPoint)client.LocalEndPoint!).Port, port);
        Assert.Equal(new byte[] { 127, 0, 0, 1 }, ip[..4].ToArray());
    }
}
