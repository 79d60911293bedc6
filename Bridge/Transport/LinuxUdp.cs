using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Bridge.Transport;

/// <summary>
/// The one Linux UDP call the .NET socket API lacks: sendmmsg, many datagrams per syscall. Struct layouts are
/// those of x86-64 and arm64 Linux (LP64); <see cref="IsSupported"/> says whether this process may use them.
/// </summary>
internal static unsafe class LinuxUdp
{
    /// <summary>errno: interrupted system call.</summary>
    public const int ErrorInterrupted = 4;

    /// <summary>errno: function not implemented (a kernel or seccomp filter without sendmmsg).</summary>
    public const int ErrorNotImplemented = 38;

    /// <summary>errno: operation not permitted (seccomp filters that deny sendmmsg answer this).</summary>
    public const int ErrorNotPermitted = 1;

    // Resolved once through NativeLibrary rather than [LibraryImport]: a P/Invoke is bound again when tiered
    // compilation recompiles its caller, and that binding allocated (32 B, once) on the packet thread.
    private static readonly delegate* unmanaged<int, MultiMessageHeader*, uint, int, int> Sendmmsg = Resolve();

    /// <summary>True on Linux with an LP64 layout, where the structs below match the kernel's, and libc has sendmmsg.</summary>
    public static bool IsSupported => Sendmmsg != null;

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

    private static delegate* unmanaged<int, MultiMessageHeader*, uint, int, int> Resolve()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64)
            || !NativeLibrary.TryLoad("libc.so.6", out var libc) || !NativeLibrary.TryGetExport(libc, "sendmmsg", out var export))
        {
            return null;
        }
        return (delegate* unmanaged<int, MultiMessageHeader*, uint, int, int>)export;
    }
}
