using System.Net;
using System.Net.Sockets;
using Bridge.Hosting;
using Bridge.Metrics;
using Bridge.Transport;
using Microsoft.Extensions.Options;

namespace Bridge.Tests.Transport;

/// <summary>The media port's SO_REUSEPORT group never joins another socket's port.</summary>
public sealed class MediaSocketsTests
{
    [Fact]
    public void A_picked_port_is_never_shared_with_another_bridges_reuse_port_sockets()
    {
        // The kernel's ephemeral pick treats a port held by reuse-port sockets of the same user as free for another
        // reuse-port socket, so bridges of one test process (or of one user) could land on each other's port and
        // split each other's peers. 2,000 held ports and 100 groups: about 7 collisions without the claim.
        var held = new List<Socket>();
        var heldPorts = new HashSet<int>();
        try
        {
            for (var i = 0; i < 2000; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                held.Add(socket);
                socket.SetRawSocketOption(1, 15, BitConverter.GetBytes(1));
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                heldPorts.Add(((IPEndPoint)socket.LocalEndPoint!).Port);
            }
            var options = Options.Create(new BridgeOptions { MediaBindAddress = "127.0.0.1", MediaPort = 0, ReceiveLoops = 2 });
            for (var i = 0; i < 100; i++)
            {
                using var group = new MediaSockets(options, new BridgeCounters());
                Assert.Equal(2, group.Count);
                Assert.Equal(group[0].LocalPort, group[1].LocalPort);
                Assert.DoesNotContain(group[0].LocalPort, heldPorts);
            }
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void A_fixed_port_taken_by_a_plain_socket_fails_with_address_in_use()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        var options = Options.Create(new BridgeOptions { MediaBindAddress = "127.0.0.1", MediaPort = port, ReceiveLoops = 2 });
        var error = Assert.Throws<SocketException>(() => new MediaSockets(options, new BridgeCounters()));
        Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
    }
}
