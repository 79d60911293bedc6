using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Bridge.Transport;

/// <summary>
/// The Linux UDP calls the .NET socket API lacks: sendmmsg (many datagrams per syscall) and a non-blocking
/// recvfrom that reports "nothing there" without an exception (the per-core loops poll their socket and their
/// hand-off rings). Struct layouts are those of x86-64 and arm64 Linux (LP64); <see cref="IsSupported"/> says
/// whether this process may use them.
/// </summary>
internal static unsafe class LinuxUdp
{
    /// <summary>errno: interrupted system call.</summary>
    public const int ErrorInterrupted = 4;

    /// <summary>errno: no datagram queued on a non-blocking socket.</summary>
    public const int ErrorWouldBlock = 11;

    /// <summary>errno: function not implemented (a kernel or seccomp filter without sendmmsg).</summary>
    public const int ErrorNotImplemented = 38;

    /// <summary>errno: operation not permitted (seccomp filters that deny sendmmsg answer this).</summary>
    public const int ErrorNotPermitted = 1;

    // Resolved once (LinuxLibc says why not [LibraryImport]).
    private static readonly delegate* unmanaged<int, MultiMessageHeader*, uint, int, int> Sendmmsg =
        (delegate* unmanaged<int, MultiMessageHeader*, uint, int, int>)LinuxLibc.Resolve("sendmmsg");

    private static readonly delegate* unmanaged<int, byte*, nuint, int, byte*, uint*, nint> Recvfrom =
        (delegate* unmanaged<int, byte*, nuint, int, byte*, uint*, nint>)LinuxLibc.Resolve("recvfrom");

    // MSG_TRUNC makes recvfrom return a datagram's real length, so an oversized one is seen as such.
    private const int DontWaitTruncated = 0x40 | 0x20;

    /// <summary>True on Linux with an LP64 layout, where the structs below match the kernel's, and libc has sendmmsg and recvfrom.</summary>
    public static bool IsSupported => Sendmmsg != null && Recvfrom != null;

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>struct mmsghdr: the kernel writes the bytes sent into <see cref="Length"/>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MultiMessageHeader
    {
        public MessageHeader Header;
        public uint Length;
    }

    /// <summary>
    /// sendmmsg(2): the number of datagrams sent from the start of <paramref name="messages"/>, or -1 with
    /// <paramref name="errno"/> when the first could not be sent. The handle is ref-counted for the call, so a
    /// concurrent close cannot hand its fd number to another socket; a closed handle throws <see cref="ObjectDisposedException"/>.
    /// </summary>
    public static int SendMultiple(SafeSocketHandle socket, MultiMessageHeader* messages, uint count, out int errno)
    {
        var added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            Marshal.SetLastSystemError(0);
            var result = Sendmmsg((int)socket.DangerousGetHandle(), messages, count, 0);
            errno = result < 0 ? Marshal.GetLastSystemError() : 0;
            return result;
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// recvfrom(2) with MSG_DONTWAIT on a descriptor the caller keeps open: the datagram's full length (which may
    /// exceed <paramref name="buffer"/>: truncated), 0 for an empty datagram, or -1 with <paramref name="errno"/>
    /// (<see cref="ErrorWouldBlock"/> when nothing is queued). The sender's address lands in <paramref name="from"/>.
    /// </summary>
    public static int ReceiveNonBlocking(int socket, Span<byte> buffer, System.Net.SocketAddress from, out int errno)
    {
        var name = from.Buffer.Span;
        var nameLength = (uint)name.Length;
        fixed (byte* data = buffer)
        fixed (byte* address = name)
        {
            Marshal.SetLastSystemError(0);
            var result = Recvfrom(socket, data, (nuint)buffer.Length, DontWaitTruncated, address, &nameLength);
            errno = result < 0 ? Marshal.GetLastSystemError() : 0;
            if (result >= 0)
            {
                from.Size = (int)Math.Min(nameLength, (uint)name.Length);
            }
            return (int)result;
        }
    }
}
