using Bridge.Transport;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Bridge.Client;

/// <summary>
/// One UDP socket bound to 0.0.0.0 on an ephemeral port (and to the loopback device where the kernel allows it),
/// shared by many peers: each sends from its own 127.x.y.z address (IP_PKTINFO) and datagrams are handed over by
/// the address they were sent to. One receive thread drains it with recvmmsg, allocating nothing per datagram.
/// </summary>
internal sealed unsafe class MuxSocket : IDisposable
{
    /// <summary>Datagrams taken per recvmmsg call.</summary>
    public const int Batch = 64;

    /// <summary>Largest datagram received; longer ones are truncated and dropped.</summary>
    public const int BufferLength = 2048;

    /// <summary>Receive handler: peer address (network order), source address, datagram, kernel arrival (Unix ns).</summary>
    public delegate void DatagramHandler(uint localAddress, in NativeUdp.SocketAddressIn from, Span<byte> datagram, long arrivalUnixNanoseconds);

    private readonly int _fd;
    private readonly DatagramHandler _handler;
    private readonly Thread _thread;
    private readonly byte* _memory;
    private volatile bool _stopping;
    private long _kernelDrops;
    private long _truncated;

    public MuxSocket(int index, int bufferBytes, DatagramHandler handler)
    {
        _handler = handler;
        _fd = NativeUdp.Socket(NativeUdp.AddressFamilyInet, NativeUdp.SocketDatagram, 0);
        if (_fd < 0)
        {
            throw new SocketException(Marshal.GetLastPInvokeError());
        }
        try
        {
            Configure(bufferBytes);
            var any = new NativeUdp.SocketAddressIn { Family = NativeUdp.AddressFamilyInet };
            if (NativeUdp.Bind(_fd, &any, (uint)sizeof(NativeUdp.SocketAddressIn)) != 0)
            {
                throw new SocketException(Marshal.GetLastPInvokeError());
            }
            var bound = default(NativeUdp.SocketAddressIn);
            var length = (uint)sizeof(NativeUdp.SocketAddressIn);
            if (NativeUdp.GetSocketName(_fd, &bound, &length) != 0)
            {
                throw new SocketException(Marshal.GetLastPInvokeError());
            }
            Port = BinaryPrimitives.ReverseEndianness(bound.Port);
            PortNetworkOrder = bound.Port;
        }
        catch
        {
            NativeUdp.Close(_fd);
            throw;
        }

        // One block for the whole batch: headers, iovecs, source addresses, control and data buffers.
        _memory = (byte*)NativeMemory.AllocZeroed((nuint)(Batch * (sizeof(LinuxUdp.MultiMessageHeader) + sizeof(LinuxUdp.IoVec) + sizeof(NativeUdp.SocketAddressIn) + NativeUdp.ControlLength + BufferLength)));
        _thread = new Thread(ReceiveLoop) { IsBackground = true, Name = $"peer-mux-{index}" };
        _thread.Start();
    }

    /// <summary>The bound port.</summary>
    public int Port { get; }

    /// <summary>The bound port in network byte order.</summary>
    public ushort PortNetworkOrder { get; }

    /// <summary>Whether the socket only hears the loopback device (SO_BINDTODEVICE "lo" was accepted).</summary>
    public bool LoopbackOnly { get; private set; }

    /// <summary>Datagrams the kernel dropped because the receive buffer was full (SO_RXQ_OVFL, cumulative).</summary>
    public long KernelDrops => Interlocked.Read(ref _kernelDrops);

    /// <summary>Datagrams longer than <see cref="BufferLength"/>, dropped.</summary>
    public long Truncated => Interlocked.Read(ref _truncated);

    /// <summary>Sends one datagram from <paramref name="localAddress"/> (network order) to <paramref name="to"/>; false when the kernel refused.</summary>
    public bool Send(uint localAddress, in NativeUdp.SocketAddressIn to, ReadOnlySpan<byte> datagram)
    {
        const int pktinfoSpace = NativeUdp.CmsgHeaderLength + 16;
        var control = stackalloc byte[pktinfoSpace];
        new Span<byte>(control, pktinfoSpace).Clear();
        *(ulong*)control = NativeUdp.CmsgHeaderLength + 12;
        *(int*)(control + 8) = NativeUdp.IpProtocolIp;
        *(int*)(control + 12) = NativeUdp.IpPacketInfo;
        // struct in_pktinfo { int ipi_ifindex; in_addr ipi_spec_dst; in_addr ipi_addr; }: the source is ipi_spec_dst.
        *(uint*)(control + NativeUdp.CmsgHeaderLength + 4) = localAddress;
        var destination = to;
        fixed (byte* data = datagram)
        {
            var iov = new LinuxUdp.IoVec { Base = data, Length = (nuint)datagram.Length };
            var message = new LinuxUdp.MessageHeader
            {
                Name = &destination,
                NameLength = (uint)sizeof(NativeUdp.SocketAddressIn),
                Iov = &iov,
                IovLength = 1,
                Control = control,
                ControlLength = pktinfoSpace,
            };
            return NativeUdp.SendMessage(_fd, &message, 0) >= 0;
        }
    }

    /// <summary>Stops the receive thread (within its 100 ms receive timeout) and closes the socket.</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }
        _stopping = true;
        NativeUdp.Shutdown(_fd, 2);
        if (_thread.Join(TimeSpan.FromSeconds(2)))
        {
            NativeMemory.Free(_memory);
        }
        NativeUdp.Close(_fd);
    }

    private void Configure(int bufferBytes)
    {
        // Root may exceed net.core.rmem_max: a burst of one packet fanned out to thousands of peers lands here at once.
        if (!NativeUdp.TrySetInt(_fd, NativeUdp.SolSocket, NativeUdp.SoReceiveBufferForce, bufferBytes))
        {
            NativeUdp.TrySetInt(_fd, NativeUdp.SolSocket, NativeUdp.SoReceiveBuffer, bufferBytes);
        }
        if (!NativeUdp.TrySetInt(_fd, NativeUdp.SolSocket, NativeUdp.SoSendBufferForce, 1 << 20))
        {
            NativeUdp.TrySetInt(_fd, NativeUdp.SolSocket, NativeUdp.SoSendBuffer, 1 << 20);
        }
        if (!NativeUdp.TrySetInt(_fd, NativeUdp.IpProtocolIp, NativeUdp.IpPacketInfo, 1)
            || !NativeUdp.TrySetInt(_fd, NativeUdp.SolSocket, NativeUdp.SoTimestampNs, 1))
        {
            throw new SocketException(Marshal.GetLastPInvokeError());
        }
        NativeUdp.TrySetInt(_fd, NativeUdp.SolSocket, NativeUdp.SoReceiveQueueOverflow, 1);
        var timeout = new NativeUdp.Timeval { Microseconds = 100_000 };
        NativeUdp.SetSocketOption(_fd, NativeUdp.SolSocket, NativeUdp.SoReceiveTimeout, &timeout, (uint)sizeof(NativeUdp.Timeval));
        // Bound to 0.0.0.0 to hear every 127.x.y.z address; the device binding keeps the rest of the world out.
        var device = stackalloc byte[] { (byte)'l', (byte)'o', 0 };
        LoopbackOnly = NativeUdp.SetSocketOption(_fd, NativeUdp.SolSocket, NativeUdp.SoBindToDevice, device, 3) == 0;
    }

    private void ReceiveLoop()
    {
        var headers = (LinuxUdp.MultiMessageHeader*)_memory;
        var iovs = (LinuxUdp.IoVec*)(headers + Batch);
        var names = (NativeUdp.SocketAddressIn*)(iovs + Batch);
        var controls = (byte*)(names + Batch);
        var data = controls + (Batch * NativeUdp.ControlLength);
        for (var i = 0; i < Batch; i++)
        {
            iovs[i].Base = data + (i * BufferLength);
            iovs[i].Length = BufferLength;
        }
        while (!_stopping)
        {
            for (var i = 0; i < Batch; i++)
            {
                ref var header = ref headers[i].Header;
                header.Name = names + i;
                header.NameLength = (uint)sizeof(NativeUdp.SocketAddressIn);
                header.Iov = iovs + i;
                header.IovLength = 1;
                header.Control = controls + (i * NativeUdp.ControlLength);
                header.ControlLength = NativeUdp.ControlLength;
                header.Flags = 0;
            }
            var count = NativeUdp.ReceiveMultiple(_fd, headers, Batch, NativeUdp.MsgWaitForOne, null);
            if (count <= 0)
            {
                continue; // timeout (EAGAIN), EINTR, or shut down: the loop condition decides
            }
            for (var i = 0; i < count; i++)
            {
                Dispatch(ref headers[i], data + (i * BufferLength));
            }
        }
    }

    private void Dispatch(ref LinuxUdp.MultiMessageHeader message, byte* data)
    {
        const int truncatedFlag = 0x20; // MSG_TRUNC
        if ((message.Header.Flags & truncatedFlag) != 0)
        {
            Interlocked.Increment(ref _truncated);
            return;
        }
        uint localAddress = 0;
        long arrival = 0;
        var control = (byte*)message.Header.Control;
        var controlLength = (int)message.Header.ControlLength;
        for (var offset = 0; offset + NativeUdp.CmsgHeaderLength <= controlLength;)
        {
            var length = (int)*(ulong*)(control + offset);
            if (length < NativeUdp.CmsgHeaderLength || offset + length > controlLength)
            {
                break;
            }
            var level = *(int*)(control + offset + 8);
            var type = *(int*)(control + offset + 12);
            var value = control + offset + NativeUdp.CmsgHeaderLength;
            if (level == NativeUdp.IpProtocolIp && type == NativeUdp.IpPacketInfo)
            {
                localAddress = *(uint*)(value + 8); // ipi_addr: the destination of the datagram
            }
            else if (level == NativeUdp.SolSocket && type == NativeUdp.SoTimestampNs)
            {
                arrival = (*(long*)value * 1_000_000_000) + *(long*)(value + 8);
            }
            else if (level == NativeUdp.SolSocket && type == NativeUdp.SoReceiveQueueOverflow)
            {
                Volatile.Write(ref _kernelDrops, *(uint*)value);
            }
            offset += (length + 7) & ~7;
        }
        if (localAddress != 0 && message.Length > 0)
        {
            _handler(localAddress, in *(NativeUdp.SocketAddressIn*)message.Header.Name, new Span<byte>(data, (int)message.Length), arrival);
        }
    }
}
