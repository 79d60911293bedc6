using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace LoadHarness;

/// <summary>
/// Joins as a browser does (docs/signaling-protocol.md, docs/visitor-nodes.md): a WebSocket to the main node and
/// <c>join</c>; a publisher is seated there as a participant, a viewer (<c>visitor: true</c>) follows <c>redirect</c> to its
/// visitor node and joins again there; then <c>offer</c> → <c>answer</c>, whose candidate, ICE and DTLS parameters the
/// viewer connects with. The WebSocket stays open for the run (<see cref="SignalingSessions"/>). Counts the signaling time
/// of every viewer (WebSocket at main to answer) and where main redirected them.
/// </summary>
public sealed class SignalingJoinPath : IJoinPath
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(30);
    private const int MaxMessageBytes = 256 * 1024;

    private readonly Uri _main;
    private readonly string _room;
    private readonly Fleet _fleet;
    private readonly HttpMessageInvoker _http = new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(10) });
    private readonly SignalingSessions _sessions = new();
    private readonly ConcurrentDictionary<string, int> _redirects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _joins = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<double> _viewerSeconds = new();

    /// <summary>Joins room <paramref name="room"/> through the main node at <paramref name="main"/> (http(s) base URL); <paramref name="fleet"/> names the bridges the answers point at.</summary>
    public SignalingJoinPath(Uri main, string room, Fleet fleet)
    {
        ArgumentNullException.ThrowIfNull(main);
        _main = new UriBuilder(main) { Scheme = main.Scheme == "https" ? "wss" : "ws", Path = "/ws" }.Uri;
        _room = room;
        _fleet = fleet;
    }

    /// <summary>Viewers that joined at each node (and publishers at main), by node id.</summary>
    public IReadOnlyDictionary<string, int> JoinsPerNode => _joins;

    /// <inheritdoc/>
    public Task PrepareAsync(CancellationToken token) => Task.CompletedTask; // signaling sets rooms up on the first join

    /// <inheritdoc/>
    public async Task<JoinTicket> JoinAsync(string id, bool publisher, int ordinal, string offer, CancellationToken token)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
        timeout.CancelAfter(JoinTimeout);
        var started = Stopwatch.GetTimestamp();
        ClientWebSocket? socket = null;
        try
        {
            (socket, var node) = await ConnectAsync(_main, timeout.Token);
            await SendAsync(socket, Join(id, visitor: !publisher), timeout.Token);
            var reply = await ExpectAsync(socket, timeout.Token, "joined", "redirect");
            if (Text(reply, "type") == "redirect")
            {
                var target = Text(reply, "node");
                var url = Uri.TryCreate(Text(reply, "url"), UriKind.Absolute, out var u) && u.Scheme is "ws" or "wss"
                    ? u
                    : throw new InvalidOperationException($"redirect to a URL that is not ws(s): {reply}");
                _redirects.AddOrUpdate(target, 1, (_, n) => n + 1);
                // Main closes (1000) after the redirect; answering its close is all that is left on that socket.
                await CloseAsync(socket, timeout.Token);
                socket.Dispose();
                socket = null;
                (socket, node) = await ConnectAsync(url, timeout.Token);
                await SendAsync(socket, Join(id, visitor: true), timeout.Token);
                reply = await ExpectAsync(socket, timeout.Token, "joined");
            }
            var role = Text(reply, "role");
            if (role != (publisher ? "participant" : "visitor"))
            {
                throw new InvalidOperationException($"joined at {node} as {role}, not as a {(publisher ? "participant" : "visitor")}");
            }
            _joins.AddOrUpdate(node, 1, (_, n) => n + 1);
            await SendAsync(socket, Offer(offer), timeout.Token);
            var sdp = Text(await ExpectAsync(socket, timeout.Token, "answer"), "sdp");
            if (!SdpAnswer.TryParse(sdp, out var answer))
            {
                throw new InvalidOperationException($"the answer from {node} has no IPv4 UDP candidate, ICE credentials or fingerprint");
            }
            if (!publisher)
            {
                _viewerSeconds.Enqueue(Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
            _sessions.Add(socket);
            socket = null;
            return new JoinTicket(_fleet.IndexOfMediaPort(answer!.Candidate.Port), answer.Candidate, answer.IceUfrag, answer.IcePassword, answer.Fingerprint);
        }
        finally
        {
            socket?.Abort();
            socket?.Dispose();
        }
    }

    /// <inheritdoc/>
    public string? ReportMarkdown()
    {
        var seconds = _viewerSeconds.Order().ToList();
        var (pings, pingFailures) = _sessions.Pings;
        var sb = new StringBuilder();
        sb.AppendLine("### Signaling");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Main node {_main}, room {_room}. Viewers join at main, follow the redirect to their visitor node and negotiate there.");
        sb.AppendLine();
        sb.AppendLine("| figure | value |");
        sb.AppendLine("|---|---:|");
        Row(sb, "signaling_join_s p50 / p99 (WebSocket at main to answer, viewers)", string.Create(CultureInfo.InvariantCulture, $"{HarnessRun.Percentile(seconds, 0.5):0.000} / {HarnessRun.Percentile(seconds, 0.99):0.000}"));
        Row(sb, "viewers through signaling (answer received)", $"{seconds.Count:N0}");
        Row(sb, "redirects from main", $"{_redirects.Values.Sum():N0}");
        Row(sb, "WebSockets held / open at report time", $"{_sessions.Count:N0} / {_sessions.OpenNow:N0}");
        Row(sb, "pings sent / failed, pongs", $"{pings:N0} / {pingFailures:N0}, {_sessions.Pongs:N0}");
        Row(sb, "reoffers / errors / WebSockets lost during the run", $"{_sessions.Reoffers:N0} / {_sessions.Errors:N0} / {_sessions.Lost:N0}");
        sb.AppendLine();
        sb.AppendLine("| signaling node | redirects to it | joins at it |");
        sb.AppendLine("|---|---:|---:|");
        foreach (var node in _joins.Keys.Union(_redirects.Keys).Order(StringComparer.Ordinal))
        {
            Row(sb, node, $"{_redirects.GetValueOrDefault(node):N0} | {_joins.GetValueOrDefault(node):N0}");
        }
        return sb.ToString();
    }

    /// <summary>Closes every WebSocket (the nodes delete the endpoints).</summary>
    public async ValueTask DisposeAsync()
    {
        await _sessions.DisposeAsync();
        _http.Dispose();
    }

    private async Task<(ClientWebSocket Socket, string Node)> ConnectAsync(Uri url, CancellationToken token)
    {
        var socket = new ClientWebSocket();
        try
        {
            // Heartbeats are the protocol's pings; WebSocket-level keep-alives would only add frames.
            socket.Options.KeepAliveInterval = TimeSpan.Zero;
            await socket.ConnectAsync(url, _http, token);
            var welcome = await ExpectAsync(socket, token, "welcome");
            if (welcome.TryGetProperty("heartbeatSeconds", out var heartbeat) && heartbeat.TryGetInt32(out var period))
            {
                _sessions.ObserveHeartbeat(period);
            }
            return (socket, Text(welcome, "node"));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task CloseAsync(ClientWebSocket socket, CancellationToken token)
    {
        try
        {
            var buffer = new byte[1024];
            while (socket.State == WebSocketState.Open)
            {
                await socket.ReceiveAsync(buffer.AsMemory(), token);
            }
            if (socket.State == WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, token);
            }
        }
        catch (WebSocketException)
        {
            // Main may reset instead of closing; the redirect was read, nothing else is needed from it.
        }
    }

    private static Task SendAsync(ClientWebSocket socket, byte[] frame, CancellationToken token) =>
        socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, token);

    /// <summary>The next message of one of <paramref name="types"/>, skipping pushes (stage, visitors, pong); an error or a close throws.</summary>
    private static async Task<JsonElement> ExpectAsync(ClientWebSocket socket, CancellationToken token, params string[] types)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxMessageBytes);
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        throw new InvalidOperationException($"a signaling message over {MaxMessageBytes} bytes");
                    }
                    result = await socket.ReceiveAsync(buffer.AsMemory(length), token);
                    length += result.Count;
                }
                while (!result.EndOfMessage);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    throw new InvalidOperationException($"the node closed the WebSocket ({socket.CloseStatus} {socket.CloseStatusDescription}) while {string.Join("/", types)} was awaited");
                }
                JsonElement message;
                try
                {
                    message = JsonSerializer.Deserialize<JsonElement>(buffer.AsSpan(0, length));
                }
                catch (JsonException e)
                {
                    throw new InvalidOperationException($"the node sent a frame that is not JSON: {e.Message}", e);
                }
                var type = message.ValueKind == JsonValueKind.Object && message.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                if (type is not null && types.Contains(type))
                {
                    return message;
                }
                if (type == "error")
                {
                    throw new InvalidOperationException($"signaling error {Text(message, "code")}: {Text(message, "message")}");
                }
                // Pushes (stage, visitors, chat history, reactions, polls, ...) come and go with room features: skip them.
                if (type is null)
                {
                    throw new InvalidOperationException($"expected {string.Join("/", types)}, got a message without a type");
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Text(JsonElement message, string property) =>
        message.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new InvalidOperationException($"'{property}' missing from {message.GetProperty("type")}");

    private byte[] Join(string name, bool visitor) => Frame(w =>
    {
        w.WriteString("type", "join");
        w.WriteString("id", "j");
        w.WriteString("room", _room);
        w.WriteString("name", name);
        w.WriteBoolean("visitor", visitor);
    });

    private static byte[] Offer(string sdp) => Frame(w =>
    {
        w.WriteString("type", "offer");
        w.WriteString("id", "o");
        w.WriteString("sdp", sdp);
    });

    private static byte[] Frame(Action<Utf8JsonWriter> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("v", 1);
            fields(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void Row(StringBuilder sb, string name, string value) => Report.Row(sb, name, value);
}
