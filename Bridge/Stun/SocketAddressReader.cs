using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Bridge.Stun;

/// <summary>
/// Reads port and IP bytes out of a <see cref="SocketAddress"/> without allocating. The buffer holds the native
/// sockaddr: port big-endian at 2-3, IPv4 address at 4-7 (sockaddr_in), IPv6 address at 8-23 after the 4-byte
/// flow info (sockaddr_in6). The family is taken from <see cref="SocketAddress.Family"/>, which maps the native
/// AF_* value (10 for AF_INET6 on Linux) to <see cref="AddressFamily"/>.
/// </summary>
internal static class SocketAddressReader
{
    private const int PortOffset = 2;
    private const int IPv4Offset = 4;
    private const int IPv6Offset = 8;

    /// <summary>
    /// Copies the IP address into <paramref name="address"/> (at least 16 bytes) and returns its length: 4 for IPv4,
    /// 16 for IPv6, 0 for any other family or a short buffer. IPv4-mapped IPv6 addresses (from dual-mode sockets)
    /// come back as IPv4, since that is the address the peer actually sent from.
    /// </summary>
    public static int Read(SocketAddress socketAddress, Span<byte> address, out ushort port)
    {
        ReadOnlySpan<byte> raw = socketAddress.Buffer.Span[..socketAddress.Size];
        port = 0;
        switch (socketAddress.Family)
        {
            case AddressFamily.InterNetwork when raw.Length >= IPv4Offset + 4:
                port = BinaryPrimitives.ReadUInt16BigEndian(raw[PortOffset..]);
                raw.Slice(IPv4Offset, 4).CopyTo(address);
                return 4;

            case AddressFamily.InterNetworkV6 when raw.Length >= IPv6Offset + 16:
                port = BinaryPrimitives.ReadUInt16BigEndian(raw[PortOffset..]);
                ReadOnlySpan<byte> ip = raw.Slice(IPv6Offset, 16);
                if (IsIPv4Mapped(ip))
                {
                    ip[12..].CopyTo(address);
                    return 4;
                }

                ip.CopyTo(address);
                return 16;

            default:
                return 0;
        }
    }

    /// <summary>::ffff:a.b.c.d (RFC 4291 2.5.5.2).</summary>
    private static bool IsIPv4Mapped(ReadOnlySpan<byte> ip)
        => !ip[..10].ContainsAnyExcept((byte)0) && ip[10] == 0xFF && ip[11] == 0xFF;
}
