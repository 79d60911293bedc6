using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace VisitorFanout;

/// <summary>A refused or broken join, with the reason the node gave.</summary>
public sealed class JoinFailedException(string message) : Exception(message);

/// <summary>
/// One lightweight simulated client: joins at main (following <c>redirect</c> to a visitor node, as a browser does), then
/// keeps its WebSocket with one pending read that timestamps <c>chat</c> arrivals and adds up <c>reactions</c> pushes.
/// No media: the bridge endpoint its join creates is never negotiated.
/// </summary>
public sealed class Visitor : IAsyncDisposable
{
    private static readonly byte[] PingFrame = """{"v":1,"type":"ping"}"""u8.ToArray();

    // The server writes "v" then "type" first (docs/signaling-protocol.md), so a message's first bytes name it.
    private static readonly byte[] ChatHead = """{"v":1,"type":"chat","""u8.ToArray();
    private static readonly byte[] ReactionsHead = """{"v":1,"type":"reactions","""u8.ToArray();

    private readonly ClientWebSocket _socket;
    private readonly byte[] _buffer = new byte[2048];
    private long _firstChatTicks;
    private int _chats;
    private int _pushes;
    private long _counted;
    private volatile bool _closing;
    private Task _reading = Task.CompletedTask;

    private Visitor(ClientWebSocket socket, string node)
    {
        _socket = socket;
        Node = node;
    }

    /// <summary>The node holding this client's socket (<c>main</c> for a participant).</summary>
    public string Node { get; }

    /// <summary>When the first <c>chat</c> arrived (<see cref="Stopwatch"/> ticks), 0 before.</summary>
    public long FirstChatTicks => Interlocked.Read(ref _firstChatTicks);

    /// <summary><c>chat</c> messages received.</summary>
    public int Chats => Volatile.Read(ref _chats);

    /// <summary><c>reactions</c> pushes received.</summary>
    public int Pushes => Volatile.Read(ref _pushes);

    /// <summary>Reactions counted in those pushes.</summary>
    public long Counted => Interlocked.Read(ref _counted);

    /// <summary>Whether the socket broke or the node closed it before <see cref="DisposeAsync"/>.</summary>
    public bool Lost { get; private set; }

    /// <summary>
    /// Joins <paramref name="room"/> at main's <paramref name="mainWs"/>; a <c>redirect</c> is followed to the visitor node
    /// with the same join. Throws <see cref="JoinFailedException"/> on a refusal.
    /// </summary>
    public static async Task<Visitor> JoinAsync(Uri mainWs, HttpMessageInvoker invoker, string room, string name, bool visitor, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(mainWs);
        var join = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { v = 1, type = "join", id = "j", room, name, visitor }));
        var atMain = await ConnectAsync(mainWs, invoker, token);
        try
        {
            await atMain.SendAsync(join, WebSocketMessageType.Text, true, token);
            using var reply = await ReplyAsync(atMain, token);
            var type = reply.RootElement.GetProperty("type").GetString();
            if (type == "joined")
            {
                return Start(atMain, "main");
            }

            var node = reply.RootElement.GetProperty("node").GetString() ?? "?";
            var url = new Uri(reply.RootElement.GetProperty("url").GetString()!);
            await CloseQuietlyAsync(atMain, token);
            atMain.Dispose();
            atMain = await ConnectAsync(url, invoker, token);
            await atMain.SendAsync(join, WebSocketMessageType.Text, true, token);
            using var joined = await ReplyAsync(atMain, token);
            if (joined.RootElement.GetProperty("type").GetString() != "joined")
            {
                throw new JoinFailedException($"{node} answered the redirected join with {joined.RootElement.GetRawText()}");
            }

            return Start(atMain, node);
        }
        catch
        {
            atMain.Abort();
            atMain.Dispose();
            throw;
        }
    }

    /// <summary>Sends one text frame; only one send may be in flight per client (the crowd's send gate sees to it).</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> frame, CancellationToken token) =>
        _socket.SendAsync(frame, WebSocketMessageType.Text, true, token);

    /// <summary>Sends a protocol <c>ping</c> (a node closes a client silent for 3 heartbeats).</summary>
    public ValueTask PingAsync(CancellationToken token) => SendAsync(PingFrame, token);

    /// <summary>Closes the socket (normal closure) and ends the read, within 5 s.</summary>
    public async ValueTask DisposeAsync()
    {
        _closing = true;
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "run over", bound.Token);
            }

            await _reading.WaitAsync(bound.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _socket.Abort();
        }

        _socket.Dispose();
    }

    private static async Task<ClientWebSocket> ConnectAsync(Uri url, HttpMessageInvoker invoker, CancellationToken token)
    {
        var socket = new ClientWebSocket();
        // The protocol's own pings keep the nodes' idle timer away; no WebSocket-level keep-alive timers per socket.
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            await socket.ConnectAsync(url, invoker, token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The first message of the join's answer that is not <c>welcome</c>: <c>joined</c> or <c>redirect</c>, else a failure.</summary>
    private static async Task<JsonDocument> ReplyAsync(ClientWebSocket socket, CancellationToken token)
    {
        var buffer = new byte[16 * 1024];
        for (var i = 0; i < 8; i++)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(length), token);
                length += result.Count;
            }
            while (!result.EndOfMessage && length < buffer.Length);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new JoinFailedException($"the node closed the socket during the join ({socket.CloseStatus} {socket.CloseStatusDescription})");
            }

            var doc = JsonDocument.Parse(buffer.AsMemory(0, length));
            var type = doc.RootElement.GetProperty("type").GetString();
            if (type is "joined" or "redirect")
            {
                return doc;
            }

            var text = doc.RootElement.GetRawText();
            doc.Dispose();
            if (type != "welcome")
            {
                throw new JoinFailedException($"join answered with {text}");
            }
        }

        throw new JoinFailedException("no joined or redirect among the first 8 messages");
    }

    private static async Task CloseQuietlyAsync(ClientWebSocket socket, CancellationToken token)
    {
        try
        {
            // Main closes after the redirect; answering its close lets it end the TCP connection cleanly.
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, token);
        }
        catch (WebSocketException)
        {
            // Already gone: nothing to answer.
        }
    }

    private static Visitor Start(ClientWebSocket socket, string node)
    {
        var visitor = new Visitor(socket, node);
        visitor._reading = visitor.ReadAsync();
        return visitor;
    }

    private async Task ReadAsync()
    {
        var messageStart = true;
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(_buffer.AsMemory(), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    Lost = !_closing;
                    return;
                }

                if (messageStart)
                {
                    Tally(_buffer.AsSpan(0, result.Count), result.EndOfMessage);
                }

                messageStart = result.EndOfMessage;
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            Lost = !_closing;
        }
    }

    private void Tally(ReadOnlySpan<byte> head, bool whole)
    {
        if (head.StartsWith(ChatHead))
        {
            var now = Stopwatch.GetTimestamp();
            Interlocked.CompareExchange(ref _firstChatTicks, now, 0);
            Interlocked.Increment(ref _chats);
        }
        else if (head.StartsWith(ReactionsHead))
        {
            Interlocked.Increment(ref _pushes);
            if (whole)
            {
                Interlocked.Add(ref _counted, SumCounts(head));
            }
        }
    }

    /// <summary>The sum of the <c>counts</c> object's values; 0 for anything unreadable (never throws into the read loop).</summary>
    private static long SumCounts(ReadOnlySpan<byte> frame)
    {
        var reader = new Utf8JsonReader(frame);
        long sum = 0;
        try
        {
            var inCounts = false;
            while (reader.Read())
            {
                if (!inCounts)
                {
                    if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("counts"u8))
                    {
                        inCounts = reader.Read() && reader.TokenType == JsonTokenType.StartObject;
                    }
                }
                else if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 1)
                {
                    return sum;
                }
                else if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var n))
                {
                    sum += n;
                }
            }
        }
        catch (JsonException)
        {
            return 0;
        }

        return sum;
    }
}
