using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Ncco.Host.Browser;
using Ncco.Host.Operations;
using Ncco.Host.Tests.MediaPlane;
using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Browser;

/// <summary>
/// The browser phone's protocol (<c>/phone/ws</c>) spoken by a plain WebSocket client: signing in with a user JWT, bad
/// input answered with the field and the reason, calling the application (<c>from_user</c>, <c>endpoint_type</c>,
/// <c>custom_data</c> in the answer webhook), and being called through <c>{"type":"app","user":…}</c>.
/// </summary>
public sealed class BrowserPhoneTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private TestHostFixture _host = null!;
    private WebhookAppServer _app = null!;
    private string _id = "";
    private string _key = "";

    public async Task InitializeAsync()
    {
        _app = await WebhookAppServer.StartAsync();
        _host = await TestHostFixture.StartAsync(extraArgs: ["--Ncco:Calls:RateLimitPerSecond=0", "--Ncco:Demo:Enabled=false"]);
        (_id, _key) = await VoiceApiHarness.CreateApplicationAsync(_host, _app);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("garbage", "token", "token: The token is not a JWT")]
    [InlineData("no-sub", "token.sub", "token.sub: missing")]
    [InlineData("not-login", "action", "action: the first message must be")]
    public async Task A_bad_sign_in_is_refused_with_the_field_and_the_reason(string kind, string field, string reason)
    {
        var socket = await ConnectAsync();
        var message = kind switch
        {
            "garbage" => """{"action":"login","token":"garbage"}""",
            "no-sub" => JsonSerializer.Serialize(new { action = "login", token = ApplicationJwtIssuer.Create(_key, _id, _host.Time.GetUtcNow()) }),
            _ => """{"action":"call"}""",
        };
        await SendTextAsync(socket, message);
        var error = await ReceiveEventAsync(socket, "error");
        Assert.Equal(field, error.GetProperty("field").GetString());
        Assert.StartsWith(reason, error.GetProperty("reason").GetString());
        await ReceiveCloseAsync(socket);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
    }

    [Fact]
    public async Task A_reloaded_page_signs_in_again_with_the_same_user_token_until_it_expires()
    {
        var token = ApplicationJwtIssuer.Create(_key, _id, _host.Time.GetUtcNow(), subject: "dave");
        var first = await ConnectAsync();
        await SendTextAsync(first, JsonSerializer.Serialize(new { action = "login", token }));
        Assert.Equal("dave", (await ReceiveEventAsync(first, "ready")).GetProperty("user").GetString());
        first.Abort();

        var reloaded = await ConnectAsync();
        await SendTextAsync(reloaded, JsonSerializer.Serialize(new { action = "login", token }));
        Assert.Equal("dave", (await ReceiveEventAsync(reloaded, "ready")).GetProperty("user").GetString());

        _host.Time.Advance(ApplicationJwtIssuer.DefaultLifetime + TimeSpan.FromMinutes(1));
        var late = await ConnectAsync();
        await SendTextAsync(late, JsonSerializer.Serialize(new { action = "login", token }));
        var error = await ReceiveEventAsync(late, "error");
        Assert.Equal("token", error.GetProperty("field").GetString());
        Assert.Contains("expired", error.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_token_whose_acl_leaves_out_sessions_cannot_sign_in()
    {
        var socket = await ConnectAsync();
        await SendTextAsync(socket, JsonSerializer.Serialize(new { action = "login", token = UserToken("erin", """{"paths":{"/*/users/**":{}}}""") }));

        var error = await ReceiveEventAsync(socket, "error");
        Assert.Equal("token.acl", error.GetProperty("field").GetString());
        Assert.Contains("/*/sessions/**", error.GetProperty("reason").GetString(), StringComparison.Ordinal);
        await ReceiveCloseAsync(socket);
    }

    [Fact]
    public async Task A_user_token_whose_acl_leaves_out_knocking_signs_in_but_cannot_start_a_call()
    {
        var socket = await ConnectAsync();
        await SendTextAsync(socket, JsonSerializer.Serialize(new { action = "login", token = UserToken("fay", """{"paths":{"/*/sessions/**":{},"/*/users/**":{}}}""") }));
        Assert.Equal("fay", (await ReceiveEventAsync(socket, "ready")).GetProperty("user").GetString());

        await SendTextAsync(socket, """{"action":"call","to":"support"}""");
        var error = await ReceiveEventAsync(socket, "error");
        Assert.Equal("token.acl", error.GetProperty("field").GetString());
        Assert.Contains("/*/knocking/**", error.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task Malformed_messages_get_an_error_naming_the_field_and_the_phone_stays_signed_in()
    {
        var socket = await SignInAsync("alice");
        var cases = new (string Message, string Field, string Reason)[]
        {
            ("not json", "message", "not JSON"),
            ("""{"digit":"1"}""", "action", "missing"),
            ("""{"action":"fly"}""", "action", "unknown action \"fly\""),
            ("""{"action":"dtmf","digit":"x"}""", "digit", "must be one of 0-9, *, #"),
            ("""{"action":"call","custom_data":[1]}""", "custom_data", "must be a JSON object"),
            ("""{"action":"call","to":""}""", "to", "must be a non-empty string"),
            ("""{"action":"hangup"}""", "action", "hangup: there is no call"),
        };
        foreach (var (message, field, reason) in cases)
        {
            await SendTextAsync(socket, message);
            var error = await ReceiveEventAsync(socket, "error");
            Assert.Equal(field, error.GetProperty("field").GetString());
            Assert.Contains(reason, error.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }
        await socket.SendAsync(new byte[100], WebSocketMessageType.Binary, true, CancellationToken.None);
        var audio = await ReceiveEventAsync(socket, "error");
        Assert.Equal("audio", audio.GetProperty("field").GetString());
        Assert.Contains("640 bytes", audio.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task A_user_calls_the_application_whose_answer_webhook_gets_from_user_endpoint_type_app_and_custom_data()
    {
        _app.Ncco("/answer", """[{"action":"talk","text":"Hello Alice, welcome to the support line.","language":"en-US"}]""");
        var socket = await SignInAsync("alice");
        await SendTextAsync(socket, """{"action":"call","to":"support","custom_data":{"plan":"gold","seats":3}}""");
        var answered = await ReceiveEventAsync(socket, "answered");
        var uuid = answered.GetProperty("uuid").GetString()!;

        var answer = await _app.WaitForAsync(w => w.Path == "/answer", Wait);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(answer.Query);
        Assert.Equal("alice", query["from_user"].ToString());
        Assert.Equal("app", query["endpoint_type"].ToString());
        Assert.Equal("support", query["to"].ToString());
        Assert.Equal(uuid, query["uuid"].ToString());
        using (var custom = JsonDocument.Parse(query["custom_data"].ToString()))
        {
            Assert.Equal("gold", custom.RootElement.GetProperty("plan").GetString());
            Assert.Equal(3, custom.RootElement.GetProperty("seats").GetInt32());
        }

        // The talk reaches the phone as 20 ms L16 frames, some of them loud; then the NCCO ends and the phone is told.
        var (frames, loud) = await ReceiveAudioUntilEndedAsync(socket);
        Assert.True(frames >= 25, $"{frames} frames");
        Assert.True(loud >= 10, $"{loud} loud frames of {frames}");
        var completed = (await _app.WaitForStatusAsync(uuid, "completed", Wait)).Json!.Value;
        Assert.Equal("inbound", completed.GetProperty("direction").GetString());
    }

    [Fact]
    public async Task Rest_to_an_app_user_rings_the_phone_which_answers_hears_the_ncco_and_presses_keys()
    {
        var socket = await SignInAsync("bob");
        var uuid = await CreateCallAsync("bob", """[{"action":"talk","text":"Press a key.","bargeIn":true},{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1,"timeOut":5},"eventUrl":["EVENT"]}]""".Replace("EVENT", _app.Url("input").ToString(), StringComparison.Ordinal));
        var incoming = await ReceiveEventAsync(socket, "incoming");
        Assert.Equal(uuid, incoming.GetProperty("uuid").GetString());
        await _app.WaitForStatusAsync(uuid, "ringing", Wait);
        await SendTextAsync(socket, """{"action":"answer"}""");
        await ReceiveEventAsync(socket, "answered");
        await _app.WaitForStatusAsync(uuid, "answered", Wait);
        await SendTextAsync(socket, """{"action":"dtmf","digit":"7"}""");
        var input = (await _app.WaitForAsync(w => w.Path == "/input", Wait)).Json!.Value;
        Assert.Equal("7", input.GetProperty("dtmf").GetProperty("digits").GetString());
        await SendTextAsync(socket, """{"action":"hangup"}""");
        var ended = await ReceiveEventAsync(socket, "ended");
        Assert.Equal("hangup", ended.GetProperty("reason").GetString());
        await _app.WaitForStatusAsync(uuid, "completed", Wait);
    }

    [Fact]
    public async Task A_key_on_the_browser_phone_reaches_an_input_once_and_a_connected_websocket_bot_as_websocket_dtmf()
    {
        await using var sockets = await AppSocketServer.StartAsync();
        // maxDigits 2 with a short timeOut: a key reported twice would show as "55".
        _app.Ncco("/answer", $$"""[{"action":"input","type":["dtmf"],"dtmf":{"maxDigits":2,"timeOut":2},"eventUrl":["{{_app.Url("input")}}"]}]""");
        _app.Ncco("/input", $$"""[{"action":"connect","endpoint":[{"type":"websocket","uri":"{{sockets.Url("bot")}}","content-type":"audio/l16;rate=16000"}]}]""");
        var socket = await SignInAsync("frank");
        await SendTextAsync(socket, """{"action":"call"}""");
        var uuid = (await ReceiveEventAsync(socket, "answered")).GetProperty("uuid").GetString()!;
        await SendTextAsync(socket, """{"action":"dtmf","digit":"5"}""");
        var input = (await _app.WaitForAsync(w => w.Path == "/input", Wait)).Json!.Value;
        Assert.Equal("5", input.GetProperty("dtmf").GetProperty("digits").GetString());

        var bot = await sockets.AcceptAsync("bot", Wait);
        await bot.NextEventAsync("websocket:connected", Wait);
        // The phone hearing the bot's tone shows both legs are in the conversation's mix before the key is pressed.
        await bot.SendAudioAsync(TestAudio.Tone(1000, 1.0, 16000), 16000);
        await ReceiveLoudFramesAsync(socket, 5);
        await SendTextAsync(socket, """{"action":"dtmf","digit":"5"}""");
        var (_, dtmf) = await bot.NextEventAsync("websocket:dtmf", Wait);
        Assert.Equal("5", dtmf.GetProperty("digit").GetString());
        Assert.InRange(dtmf.GetProperty("duration").GetInt32(), 60, 200);

        // The VM heard each press once: two keys, two "pressed 5" arrows from the phone's column in the dashboard's
        // sequence diagram (and the same two lines in its Mermaid text, written from the same data).
        var timeline = await _host.Client.GetFromJsonAsync<JsonElement>($"/dashboard/api/calls/{uuid}");
        var sequence = timeline.GetProperty("sequence");
        var phone = sequence.GetProperty("participants").EnumerateArray().Single(p => p.GetProperty("label").GetString() == "app frank").GetProperty("id").GetString();
        var presses = sequence.GetProperty("steps").EnumerateArray()
            .Where(s => s.GetProperty("kind").GetString() == "message" && s.GetProperty("text").GetString() == "pressed 5").ToList();
        Assert.Equal(2, presses.Count);
        Assert.All(presses, p => Assert.Equal(phone, p.GetProperty("from").GetString()));
        Assert.Equal(2, timeline.GetProperty("mermaid").GetString()!.Split('\n').Count(l => l.EndsWith(" pressed 5", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Keys_pressed_faster_than_a_handset_sends_them_are_refused_beyond_the_queue_limit_and_the_call_goes_on()
    {
        _app.Ncco("/answer", """[{"action":"talk","text":"Hold the line.","loop":0}]""");
        var socket = await SignInAsync("grace");
        await SendTextAsync(socket, """{"action":"call"}""");
        await ReceiveEventAsync(socket, "answered");
        // Each key takes 160 ms (press and pause), so a burst of twice the limit overflows the queue at once.
        for (var i = 0; i < 2 * BrowserLeg.KeyQueueLimit; i++) await SendTextAsync(socket, """{"action":"dtmf","digit":"1"}""");
        var error = await ReceiveEventAsync(socket, "error");
        Assert.Equal("digit", error.GetProperty("field").GetString());
        Assert.Contains("too many keys", error.GetProperty("reason").GetString(), StringComparison.Ordinal);
        await SendTextAsync(socket, """{"action":"hangup"}""");
        Assert.Equal("hangup", (await ReceiveEventAsync(socket, "ended")).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_declined_call_is_rejected_and_a_user_without_a_phone_is_unanswered()
    {
        var socket = await SignInAsync("carol");
        var declined = await CreateCallAsync("carol", """[{"action":"talk","text":"x"}]""");
        await ReceiveEventAsync(socket, "incoming");
        await SendTextAsync(socket, """{"action":"reject"}""");
        var ended = await ReceiveEventAsync(socket, "ended");
        Assert.Equal("rejected", ended.GetProperty("reason").GetString());
        Assert.Equal("declined", (await _app.WaitForStatusAsync(declined, "rejected", Wait)).Json!.Value.GetProperty("detail").GetString());

        var nobody = await CreateCallAsync("dave", """[{"action":"talk","text":"x"}]""");
        Assert.Equal("unavailable", (await _app.WaitForStatusAsync(nobody, "unanswered", Wait)).Json!.Value.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task When_the_application_gives_no_ncco_the_phone_is_told_the_call_ended_and_can_call_again()
    {
        var socket = await SignInAsync("erin");
        await SendTextAsync(socket, """{"action":"call"}""");
        var calling = await ReceiveEventAsync(socket, "calling");
        var ended = await ReceiveEventAsync(socket, "ended");
        Assert.Equal(calling.GetProperty("uuid").GetString(), ended.GetProperty("uuid").GetString());
        var error = (await _app.WaitForAsync(w => w.Path == "/events" && w.Body.Contains("\"reason\"", StringComparison.Ordinal), Wait)).Json!.Value;
        Assert.StartsWith("answer_url: the response was empty where an NCCO was expected", error.GetProperty("reason").GetString(), StringComparison.Ordinal);

        _app.Ncco("/answer", """[{"action":"talk","text":"Second time lucky."}]""");
        await SendTextAsync(socket, """{"action":"call"}""");
        await ReceiveEventAsync(socket, "answered");
    }

    private async Task<string> CreateCallAsync(string user, string ncco)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/calls")
        {
            Content = new StringContent($$"""{"to":[{"type":"app","user":"{{user}}"}],"from":{"type":"phone","number":"447700900000"},"ncco":{{ncco}}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", ApplicationJwt.Mint(_id, _key, _host.Time.GetUtcNow()));
        var response = await _host.Client.SendAsync(request);
        Assert.Equal(201, (int)response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("uuid").GetString()!;
    }

    private async Task<WebSocket> ConnectAsync()
    {
        var client = _host.Server.CreateWebSocketClient();
        using var timeout = new CancellationTokenSource(Wait);
        return await client.ConnectAsync(new Uri(_host.Server.BaseAddress, "phone/ws"), timeout.Token);
    }

    private async Task<WebSocket> SignInAsync(string user)
    {
        var socket = await ConnectAsync();
        var token = ApplicationJwtIssuer.Create(_key, _id, _host.Time.GetUtcNow(), subject: user);
        await SendTextAsync(socket, JsonSerializer.Serialize(new { action = "login", token }));
        var ready = await ReceiveEventAsync(socket, "ready");
        Assert.Equal(user, ready.GetProperty("user").GetString());
        Assert.Equal(_id, ready.GetProperty("application_id").GetString());
        Assert.Equal("audio/l16;rate=16000", ready.GetProperty("content-type").GetString());
        return socket;
    }

    private string UserToken(string user, string acl) => ApplicationJwt.MintWithAcl(_id, _key, _host.Time.GetUtcNow(), acl, user);

    private static Task SendTextAsync(WebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next text message with <paramref name="name"/> as its event, skipping audio and other events.</summary>
    private static async Task<JsonElement> ReceiveEventAsync(WebSocket socket, string name)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            var (type, bytes) = await ReceiveAsync(socket, timeout.Token);
            if (type == WebSocketMessageType.Close) throw new InvalidOperationException($"closed while waiting for {name}");
            if (type != WebSocketMessageType.Text) continue;
            var message = JsonDocument.Parse(bytes).RootElement;
            if (message.GetProperty("event").GetString() == name) return message;
        }
    }

    private static async Task<(int Frames, int Loud)> ReceiveAudioUntilEndedAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int frames = 0, loud = 0;
        while (true)
        {
            var (type, bytes) = await ReceiveAsync(socket, timeout.Token);
            if (type == WebSocketMessageType.Text && JsonDocument.Parse(bytes).RootElement.GetProperty("event").GetString() == "ended") return (frames, loud);
            if (type != WebSocketMessageType.Binary) continue;
            Assert.Equal(640, bytes.Length);
            frames++;
            var peak = 0;
            for (var i = 0; i < bytes.Length; i += 2) peak = Math.Max(peak, Math.Abs((int)BitConverter.ToInt16(bytes, i)));
            if (peak > 1000) loud++;
        }
    }

    private static async Task ReceiveLoudFramesAsync(WebSocket socket, int count)
    {
        using var timeout = new CancellationTokenSource(Wait);
        var loud = 0;
        while (loud < count)
        {
            var (type, bytes) = await ReceiveAsync(socket, timeout.Token);
            if (type == WebSocketMessageType.Close) throw new InvalidOperationException("closed while waiting for audio");
            if (type != WebSocketMessageType.Binary) continue;
            var peak = 0;
            for (var i = 0; i < bytes.Length; i += 2) peak = Math.Max(peak, Math.Abs((int)BitConverter.ToInt16(bytes, i)));
            if (peak > 1000) loud++;
        }
    }

    private static async Task ReceiveCloseAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while ((await ReceiveAsync(socket, timeout.Token)).Type != WebSocketMessageType.Close)
        {
        }
    }

    private static async Task<(WebSocketMessageType Type, byte[] Bytes)> ReceiveAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var r = await socket.ReceiveAsync(buffer, cancellationToken);
            message.Write(buffer, 0, r.Count);
            if (r.EndOfMessage || r.MessageType == WebSocketMessageType.Close) return (r.MessageType, message.ToArray());
        }
    }
}
