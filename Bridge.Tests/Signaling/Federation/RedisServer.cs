using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bridge.Tests.Signaling.Federation;

/// <summary>A redis-server child process on a free loopback port with AOF persistence in a temp dir; restartable on the same port and dir.</summary>
internal sealed class RedisServer : IDisposable
{
    public const string ServerPath = "/usr/bin/redis-server";

    private Process? _process;

    private RedisServer(int port, string dataDir)
    {
        Port = port;
        DataDir = dataDir;
    }

    public int Port { get; }

    public string DataDir { get; }

    public string ConnectionString => ConnectionStringFor(Port);

    public static string ConnectionStringFor(int port) => $"127.0.0.1:{port},abortConnect=false,connectTimeout=2000";

    /// <summary>Starts a server; fails loudly (never skips) when Debian's redis-server is not installed.</summary>
    public static RedisServer Start() => StartAt(FreePort());

    /// <summary>Starts a server on a given loopback port.</summary>
    public static RedisServer StartAt(int port)
    {
        if (!File.Exists(ServerPath))
        {
            throw new InvalidOperationException(
                $"{ServerPath} is missing: the Redis federation tests need Debian's redis-server (apt-get install redis-server; test.sh does this).");
        }

        var dir = Directory.CreateTempSubdirectory("fed-redis-").FullName;
        var server = new RedisServer(port, dir);
        server.Restart();
        return server;
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Starts the process (again) on the same port and data dir and waits until it answers PING.</summary>
    public void Restart()
    {
        var psi = new ProcessStartInfo(ServerPath) { UseShellExecute = false };
        foreach (var arg in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", DataDir,
            "--logfile", Path.Combine(DataDir, "redis.log"), "--daemonize", "no",
        })
        {
            psi.ArgumentList.Add(arg);
        }

        _process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                break;
            }

            if (Ping())
            {
                return;
            }

            Thread.Sleep(50);
        }

        var log = File.Exists(Path.Combine(DataDir, "redis.log")) ? File.ReadAllText(Path.Combine(DataDir, "redis.log")) : "";
        throw new InvalidOperationException($"redis-server on port {Port} did not answer PING. Log:\n{log}");
    }

    /// <summary>SIGKILLs the server (no clean shutdown) and waits for it to exit.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill();
            p.WaitForExit();
        }
    }

    /// <summary>Wipes the data dir (the server must be stopped): the next start is a Redis that lost its data.</summary>
    public void WipeData()
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(DataDir))
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, true);
            }
            else
            {
                File.Delete(entry);
            }
        }
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        try
        {
            Directory.Delete(DataDir, true);
        }
        catch (IOException)
        {
            // Best effort: a temp dir left behind is harmless.
        }
    }

    private bool Ping()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[64];
            var n = stream.Read(buffer);
            return Encoding.ASCII.GetString(buffer, 0, n).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}

/// <summary>One redis-server shared by a test class (streams are unique per test).</summary>
public sealed class RedisServerFixture : IDisposable
{
    private readonly RedisServer _server = RedisServer.Start();

    public string ConnectionString => _server.ConnectionString;

    public void Dispose() => _server.Dispose();
}
