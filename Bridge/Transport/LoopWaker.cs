using System.Runtime.InteropServices;

namespace Bridge.Transport;

/// <summary>
/// Lets a media loop sleep in poll(2) on its socket and an eventfd, and lets other loops wake it when they hand it
/// work. The sleeper announces itself first; a producer writes the eventfd only when the loop sleeps, so a busy
/// loop costs its producers no syscall. Linux only (see <see cref="IsSupported"/>).
/// </summary>
internal sealed unsafe class LoopWaker : IDisposable
{
    private const short PollIn = 0x1;
    private const int NonBlockingCloseOnExec = 0x800 | 0x80000;

    private static readonly delegate* unmanaged<int, int, int> EventFd = (delegate* unmanaged<int, int, int>)LinuxLibc.Resolve("eventfd");
    private static readonly delegate* unmanaged<PollDescriptor*, nuint, int, int> Poll = (delegate* unmanaged<PollDescriptor*, nuint, int, int>)LinuxLibc.Resolve("poll");
    private static readonly delegate* unmanaged<int, ulong*, nuint, nint> Read = (delegate* unmanaged<int, ulong*, nuint, nint>)LinuxLibc.Resolve("read");
    private static readonly delegate* unmanaged<int, ulong*, nuint, nint> Write = (delegate* unmanaged<int, ulong*, nuint, nint>)LinuxLibc.Resolve("write");
    private static readonly delegate* unmanaged<int, int> Close = (delegate* unmanaged<int, int>)LinuxLibc.Resolve("close");

    private readonly int _eventFd;
    private int _sleeping;
    private int _disposed;

    /// <summary>Creates the eventfd.</summary>
    public LoopWaker()
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("eventfd and poll need Linux x64 or arm64");
        }
        _eventFd = EventFd(0, NonBlockingCloseOnExec);
        if (_eventFd < 0)
        {
            throw new InvalidOperationException($"eventfd failed (errno {Marshal.GetLastSystemError()})");
        }
    }

    /// <summary>True where eventfd and poll are available (Linux x64/arm64).</summary>
    public static bool IsSupported => EventFd != null && Poll != null && Read != null && Write != null && Close != null;

    /// <summary>Wakes the loop if it sleeps; cheap (no syscall) when it is busy. Any thread.</summary>
    public void Wake()
    {
        // Pairs with the fence in Sleep: either the loop sees the producer's work, or the producer sees it sleeping.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _sleeping) == 1 && Interlocked.Exchange(ref _sleeping, 0) == 1 && Volatile.Read(ref _disposed) == 0)
        {
            ulong one = 1;
            _ = Write(_eventFd, &one, sizeof(ulong));
        }
    }

    /// <summary>
    /// Sleeps until <paramref name="socket"/> is readable, <see cref="Wake"/> is called, or the timeout passes, unless
    /// <paramref name="hasWork"/> says there is work after the loop announced its sleep. Owner loop only.
    /// </summary>
    public void Sleep(int socket, Func<bool> hasWork, int timeoutMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(hasWork);
        Interlocked.Exchange(ref _sleeping, 1);
        if (!hasWork())
        {
            var descriptors = stackalloc PollDescriptor[2];
            descriptors[0] = new PollDescriptor { Descriptor = socket, Events = PollIn };
            descriptors[1] = new PollDescriptor { Descriptor = _eventFd, Events = PollIn };
            _ = Poll(descriptors, 2, timeoutMilliseconds);
            if ((descriptors[1].ReturnedEvents & PollIn) != 0)
            {
                ulong value;
                _ = Read(_eventFd, &value, sizeof(ulong));
            }
        }
        Volatile.Write(ref _sleeping, 0);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _ = Close(_eventFd);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollDescriptor
    {
        public int Descriptor;
        public short Events;
        public short ReturnedEvents;
    }
}
