using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Bridge.Client;

namespace Bridge.Tests.Signaling.Clients;

/// <summary>A protocol client over a real <see cref="ClientWebSocket"/>: sends JSON text, reads server messages as JSON.</summary>
public sealed class TestClient : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly ClientWebSocket _socket = new();

    private TestClient()
    {
    }

    /// <summary>The close status the server sent, once a receive saw the close.</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>Connects to <c>/ws</c> of <paramref name="signaling"/> and reads the <c>welcome</c>.</summary>
    public static async Task<TestClient> ConnectAsync(Uri signaling)
    {
        var client = new TestClient();
        var ws = new UriBuilder(signaling) { Scheme = "ws", Path = "/ws" }.Uri;
        await client._socket.ConnectAsync(ws, CancellationToken.None);
        var welcome = await client.ReceiveAsync();
        Assert.Equal("welcome", welcome.GetProperty("type").GetString());
        return client;
    }

    /// <summary>Sends one text message.</summary>
    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    /// <summary>Sends one message of <paramref name="type"/>.</summary>
    public async Task SendAsync(byte[] bytes, WebSocketMessageType type) =>
        await _socket.SendAsync(bytes, type, true, CancellationToken.None);

    /// <summary>The next server message, or null when the server closed.</summary>
    public async Task<JsonElement> ReceiveAsync()
    {
        using var cts = new CancellationTokenSource(Wait);
        var buffer = new byte[256 * 1024];
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer.AsMemory(length), cts.Token);
            length += result.Count;
        }
        while (!result.EndOfMessage);

        if (result.MessageType == WebSocketMessageType.Close)
        {
            return JsonSerializer.SerializeToElement(new { type = "closed", status = (int?)_socket.CloseStatus });
        }

        var message = JsonSerializer.Deserialize<JsonElement>(buffer.AsSpan(0, length));
        Assert.Equal(1, message.GetProperty("v").GetInt32());
        return message;
    }

    /// <summary>The next message of <paramref name="type"/>, skipping pushed <c>stage</c>, <c>visitors</c> and room-feature messages; fails on anything else.</summary>
    public async Task<JsonElement> ExpectAsync(string type)
    {
        while (true)
        {
            var message = await ReceiveAsync();
            var got = message.GetProperty("type").GetString();
            if (got == type)
            {
                return message;
            }

            // Room-feature pushes (chat history and settings after joined, reaction counts) are as unsolicited as stage.
            Assert.True(got is "stage" or "visitors" or "chat.history" or "chat.settings" or "reactions" or "polls", $"expected {type}, got {message}");
        }
    }

    /// <summary>The next <c>error</c>, skipping pushes; asserts its code and fatality.</summary>
    public async Task<JsonElement> ExpectErrorAsync(string code, bool fatal)
    {
        var error = await ExpectAsync("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal(fatal, error.GetProperty("fatal").GetBoolean());
        return error;
    }

    /// <summary>Reads until the server closes (skipping everything) and returns its close status.</summary>
    public async Task<WebSocketCloseStatus?> ExpectCloseAsync()
    {
        try
        {
            while ((await ReceiveAsync()).GetProperty("type").GetString() != "closed")
            {
            }
        }
        catch (WebSocketException)
        {
            // An abort instead of a close handshake: the status stays null.
        }

        return _socket.CloseStatus;
    }

    /// <summary>Sends <c>join</c> (asking to watch when <paramref name="visitor"/>) and returns the <c>joined</c>.</summary>
    public async Task<JsonElement> JoinAsync(string room, string name, bool visitor = false)
    {
        await SendAsync($$"""{"v":1,"type":"join","id":"j","room":"{{room}}","name":"{{name}}","visitor":{{(visitor ? "true" : "false")}}}""");
        return await ExpectAsync("joined");
    }

    /// <summary>
    /// Sends an <c>offer</c> of a new simulated browser (publishing <paramref name="audioSsrc"/> and <paramref name="videoSsrc"/>
    /// and receiving when <paramref name="publish"/>, receiving only otherwise), connects it to the answer's bridge and returns
    /// it with the bridge's candidate.
    /// </summary>
    public async Task<(SimulatedPeer Peer, IPEndPoint Bridge)> NegotiateAndConnectAsync(bool publish, uint audioSsrc = 0x1111, uint videoSsrc = 0x2222)
    {
        var peer = new SimulatedPeer();
        var offer = peer.CreateOffer(publish, audioSsrc, videoSsrc, receiveToo: publish);
        await SendAsync($$"""{"v":1,"type":"offer","id":"o1","sdp":{{JsonSerializer.Serialize(offer)}}}""");
        var answer = await ExpectAsync("answer");
        Assert.Equal("o1", answer.GetProperty("id").GetString());
        var (candidate, ufrag, pwd, fingerprint) = ParseAnswer(answer.GetProperty("sdp").GetString()!);
        await peer.ConnectAsync(candidate, ufrag, pwd, fingerprint, Wait);
        return (peer, candidate);
    }

    /// <summary>Sends <c>ping</c> with <paramref name="id"/> and asserts the <c>pong</c> echoes it.</summary>
    public async Task PingAsync(string id)
    {
        await SendAsync($$"""{"v":1,"type":"ping","id":"{{id}}"}""");
        Assert.Equal(id, (await ExpectAsync("pong")).GetProperty("id").GetString());
    }

    /// <summary>The bridge's ICE and DTLS parameters from an SDP answer: the candidate address, ufrag, password and fingerprint.</summary>
    public static (IPEndPoint Candidate, string Ufrag, string Pwd, string Fingerprint) ParseAnswer(string sdp)
    {
        string Attribute(string name) =>
            sdp.Split("\r\n").First(l => l.StartsWith("a=" + name + ":", StringComparison.Ordinal))[(name.Length + 3)..];

        // RFC 8839 §5.1: foundation component transport priority address port "typ" type.
        var candidate = Attribute("candidate").Split(' ');
        return (new IPEndPoint(IPAddress.Parse(candidate[4]), int.Parse(candidate[5], System.Globalization.CultureInfo.InvariantCulture)),
            Attribute("ice-ufrag"), Attribute("ice-pwd"), Attribute("fingerprint"));
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
