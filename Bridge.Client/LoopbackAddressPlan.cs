using System.Net;

namespace Bridge.Client;

/// <summary>
/// Gives each multiplexed peer its own loopback address, 127.a.b.c with a ≥ 1 and c in 1..254, so a bridge that
/// tells endpoints apart by remote address sees one address per peer although many peers share one socket.
/// The whole 127.0.0.0/8 range is local on Linux; nothing here ever leaves the machine.
/// </summary>
public static class LoopbackAddressPlan
{
    /// <summary>Most peers the plan can address (a in 1..254).</summary>
    public const int Capacity = 254 * 256 * 254;

    private const int HostsPerSubnet = 254;

    /// <summary>The address of peer <paramref name="index"/> (0-based).</summary>
    public static IPAddress AddressOf(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Capacity);
        return new IPAddress(new byte[] { 127, (byte)(1 + (index / (HostsPerSubnet * 256))), (byte)(index / HostsPerSubnet % 256), (byte)(1 + (index % HostsPerSubnet)) });
    }

    /// <summary>The network-order IPv4 address of peer <paramref name="index"/>.</summary>
    internal static uint NetworkOrderOf(int index) => NativeUdp.ToNetworkOrder(AddressOf(index).GetAddressBytes());

    /// <summary>The peer index of a network-order address, or -1 when it is not one of the plan's.</summary>
    public static int IndexOf(uint networkOrderAddress)
    {
        var a = (int)((networkOrderAddress >> 8) & 0xff);
        var b = (int)((networkOrderAddress >> 16) & 0xff);
        var c = (int)(networkOrderAddress >> 24);
        if ((networkOrderAddress & 0xff) != 127 || a is 0 or 255 || c is 0 or 255)
        {
            return -1;
        }
        return ((a - 1) * 256 * HostsPerSubnet) + (b * HostsPerSubnet) + (c - 1);
    }
}
