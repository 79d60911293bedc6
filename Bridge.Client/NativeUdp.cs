using Bridge.Transport;
using System.Runtime.InteropServices;

namespace Bridge.Client;

/// <summary>
/// Linux UDP calls the .NET socket API does not offer without allocating: recvmmsg with IP_PKTINFO (which of our
/// loopback addresses a datagram was sent to), SO_TIMESTAMPNS and SO_RXQ_OVFL, and sendmsg with IP_PKTINFO (which
/// of them it comes from). x86-64 and arm64 Linux layouts (LP64).
/// </summary>
internal static unsafe partial class NativeUdp
{
    public const int AddressFamilyInet = 2;
    public const int SocketDatagram = 2;
    public const int SolSocket = 1;
    public const int IpProtocolIp = 0;
    public const int IpPacketInfo = 8;
    public const int SoReceiveBuffer = 8;
    public const int SoSendBuffer = 7;
    public const int SoReceiveTimeout = 20;
    public const int SoBindToDevice = 25;
    public const int SoTimestampNs = 35;
    public const int SoReceiveBufferForce = 33;
    public const int SoSendBufferForce = 32;
    public const int SoReceiveQueueOverflow = 40;
    public const int MsgWaitForOne = 0x10000;
    public const int ErrorAgain = 11;
    public const int ErrorInterrupted = 4;

    /// <summary>CMSG_SPACE(sizeof(in_pktinfo)) + CMSG_SPACE(sizeof(timespec)) + CMSG_SPACE(sizeof(uint)), rounded up.</summary>
    public const int ControlLength = 128;

    public const int CmsgHeaderLength = 16;

    /// <summary>struct sockaddr_in; port and address in network byte order.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SocketAddressIn
    {
        public ushort Family;
        public ushort Port;
        public uint Address;
        public ulong Zero;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Timeval
    {
        public long Seconds;
        public long Microseconds;
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, SocketAddressIn* address, uint length);

    [LibraryImport("libc", EntryPoint = "getsockname", SetLastError = true)]
    public static partial int GetSocketName(int fd, SocketAddressIn* address, uint* length);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSocketOption(int fd, int level, int name, void* value, uint length);

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int ReceiveMultiple(int fd, LinuxUdp.MultiMessageHeader* messages, uint count, int flags, void* timeout);

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    public static partial nint SendMessage(int fd, LinuxUdp.MessageHeader* message, int flags);

    [LibraryImport("libc", EntryPoint = "shutdown", SetLastError = true)]
    public static partial int Shutdown(int fd, int how);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>Sets an int socket option; returns whether the kernel took it.</summary>
    public static bool TrySetInt(int fd, int level, int name, int value) => SetSocketOption(fd, level, name, &value, sizeof(int)) == 0;

    /// <summary>Network-order IPv4 address of a.b.c.d.</summary>
    public static uint ToNetworkOrder(ReadOnlySpan<byte> ip) => (uint)(ip[0] | ip[1] << 8 | ip[2] << 16 | ip[3] << 24);
}
