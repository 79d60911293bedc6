using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Bridge.Transport;

/// <summary>
/// The one Linux UDP call the .NET socket API lacks: sendmmsg, many datagrams per syscall. Struct layouts are
/// those of x86-64 and arm64 Linux (LP64); <see cref="IsSupported"/> says whether this process may use them.
/// </summary>
internal static unsafe partial class LinuxUdp
{
    /// <summary>errno: interrupted system call.</summary>
    public const int ErrorInterrupted = 4;

    /// <summary>errno: function not implemented (a kernel or seccomp filter without sendmmsg).</summary>
    public const int ErrorNotImplemented = 38;

    /// <summary>errno: operation not permitted (seccomp filters that deny sendmmsg answer this).</summary>
    public const int ErrorNotPermitted = 1;

    /// <summary>True on Linux with an LP64 layout, where the structs below match the kernel's.</summary>
    public static bool IsSupported { get; } = OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

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
    /// sendmmsg(2): the number of datagrams sent from the start of <paramref name="messages"/>, or -1 (errno) when
    /// the first could not be sent. The handle is ref-counted for the call, so a concurrent close cannot reuse the fd.
    /// </summary>
    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    public static partial int SendMultiple(SafeSocketHandle socket, MultiMessageHeader* messages, uint count, int flags);
}
