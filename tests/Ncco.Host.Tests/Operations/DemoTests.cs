using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Applications;
using Ncco.Host.Auth;
using Ncco.Host.Demo;
using Ncco.Host.Operations;
using Ncco.Validation;

namespace Ncco.Host.Tests.Operations;

public sealed class DemoTests : IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("ncco-demo-").FullName;
    private TestHostFixture _host = null!;

    private string KeyPath => Path.Combine(_dataDirectory, DemoOptions.KeyFileName);

    public async Task InitializeAsync() => _host = await StartAsync();

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task The_demo_application_is_provisioned_with_webhooks_to_this_host()
    {
        var application = await FindDemoAsync();

        Assert.NotNull(application);
        Assert.Equal("Ncco demo", application.Name);
        Assert.Equal(new Uri("https://voice.example/ncco/demo/answer"), application.Voice!.AnswerUrl!.Address);
        Assert.Equal("GET", application.Voice.AnswerUrl.HttpMethod);
        Assert.Equal(new Uri("https://voice.example/ncco/demo/events"), application.Voice.EventUrl!.Address);
        Assert.Equal("POST", application.Voice.EventUrl.HttpMethod);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", await File.ReadAllTextAsync(KeyPath));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyPath));
        var info = _host.Services.GetRequiredService<DemoProvisioner>().Application!;
        Assert.Equal(new Uri("wss://voice.example/ncco/demo/bot"), info.BotUrl);
    }

    [Fact]
    public async Task A_token_minted_with_the_stored_key_authenticates_as_the_demo_application()
    {
        var token = ApplicationJwtIssuer.Create(await File.ReadAllTextAsync(KeyPath), DemoOptions.DefaultApplicationId, _host.Time.GetUtcNow());

        var result = await _host.Services.GetRequiredService<ApplicationJwtValidator>().ValidateAsync(token, default);

        Assert.True(result.IsValid, result.Detail);
        Assert.Equal(DemoOptions.DefaultApplicationId, result.Application!.Id);
    }

    [Fact]
    public async Task Restarts_keep_one_application_and_the_same_key()
    {
        var key = await File.ReadAllTextAsync(KeyPath);
        var publicKey = (await FindDemoAsync())!.PublicKey;
        await _host.DisposeAsync();

        _host = await StartAsync();

        Assert.Equal(key, await File.ReadAllTextAsync(KeyPath));
        Assert.Equal(publicKey, (await FindDemoAsync())!.PublicKey);
        var (items, total) = await _host.Services.GetRequiredService<IApplicationRepository>().ListAsync(0, 10, default);
        Assert.Equal(1, total);
    }

    [Fact]
    public async Task A_deleted_demo_application_comes_back_with_the_same_key_and_a_new_public_url_is_applied()
    {
        var publicKey = (await FindDemoAsync())!.PublicKey;
        await _host.Services.GetRequiredService<IApplicationRepository>().DeleteAsync(DemoOptions.DefaultApplicationId, default);
        await _host.DisposeAsync();

        _host = await StartAsync("--Ncco:PublicUrl=http://10.0.0.5:9000");

        var application = await FindDemoAsync();
        Assert.Equal(publicKey, application!.PublicKey);
        Assert.Equal(new Uri("http://10.0.0.5:9000/demo/answer"), application.Voice!.AnswerUrl!.Address);
    }

    [Fact]
    public async Task A_disabled_demo_provisions_and_serves_nothing()
    {
        var directory = Directory.CreateTempSubdirectory("ncco-demo-off-").FullName;
        await using (var host = await TestHostFixture.StartAsync(directory, extraArgs: ["--Ncco:Demo:Enabled=false"], configure: b => b.AddNccoDemo(), configureApp: a => a.MapNccoDemo()))
        {
            Assert.Null(await host.Services.GetRequiredService<IApplicationRepository>().FindAsync(DemoOptions.DefaultApplicationId, default));
            using var response = await host.Client.GetAsync(new Uri("/demo/answer", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        Assert.False(File.Exists(Path.Combine(directory, DemoOptions.KeyFileName)));
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task The_answer_webhook_returns_a_valid_menu_ncco()
    {
        var ncco = await GetNccoAsync(HttpMethod.Get, "/demo/answer?uuid=leg-1&from=447700900000&to=447700900001", body: null);

        Assert.Equal(["talk", "input"], ncco.EnumerateArray().Select(a => a.GetProperty("action").GetString()));
        var input = ncco[1];
        Assert.Equal(["dtmf", "speech"], input.GetProperty("type").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("https://voice.example/ncco/demo/input?attempt=1", input.GetProperty("eventUrl")[0].GetString());
    }

    [Theory]
    [InlineData("""{"uuid":"leg-1","dtmf":{"digits":"1","timed_out":false},"speech":{"results":[]}}""", "connect")]
    [InlineData("""{"uuid":"leg-1","dtmf":{"digits":null,"timed_out":false},"speech":{"results":[{"text":"echo please","confidence":"0.9"}]}}""", "connect")]
    [InlineData("""{"uuid":"leg-1","dtmf":{"digits":"2","timed_out":false}}""", "input")]
    [InlineData("""{"uuid":"leg-1","dtmf":{"digits":"3","timed_out":false}}""", "talk")]
    [InlineData("""{"uuid":"leg-1","dtmf":{"digits":null,"timed_out":true},"speech":{"results":[],"timeout_reason":"start_timeout"}}""", "input")]
    public async Task Menu_choices_answer_with_valid_nccos(string result, string lastAction)
    {
        var ncco = await GetNccoAsync(HttpMethod.Post, "/demo/input?attempt=1", result);

        Assert.Equal(lastAction, ncco[ncco.GetArrayLength() - 1].GetProperty("action").GetString());
        if (lastAction == "connect")
        {
            var endpoint = ncco[1].GetProperty("endpoint")[0];
            Assert.Equal("websocket", endpoint.GetProperty("type").GetString());
            Assert.Equal("wss://voice.example/ncco/demo/bot", endpoint.GetProperty("uri").GetString());
            Assert.Equal("audio/l16;rate=16000", endpoint.GetProperty("content-type").GetString());
        }
    }

    [Fact]
    public async Task A_caller_who_never_answers_the_menu_is_let_go_after_three_attempts()
    {
        var ncco = await GetNccoAsync(HttpMethod.Post, "/demo/input?attempt=3", """{"dtmf":{"digits":null,"timed_out":true}}""");

        Assert.Equal(["talk"], ncco.EnumerateArray().Select(a => a.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task Events_are_accepted_with_an_empty_2xx()
    {
        using var content = new StringContent("""{"uuid":"leg-1","conversation_uuid":"CON-1","status":"answered"}""", Encoding.UTF8, "application/json");
        using var response = await _host.Client.PostAsync(new Uri("/demo/events", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_bot_echoes_audio_frames_in_order_after_the_delay()
    {
        var client = _host.Server.CreateWebSocketClient();
        using var socket = await client.ConnectAsync(new Uri("ws://localhost/demo/bot"), CancellationToken.None);
        await socket.SendAsync("""{"event":"websocket:connected","content-type":"audio/l16;rate=16000","demo":"echo"}"""u8.ToArray(), WebSocketMessageType.Text, true, default);
        var frames = Enumerable.Range(1, 5).Select(i => Enumerable.Repeat((byte)i, 640).ToArray()).ToList();
        var sent = System.Diagnostics.Stopwatch.StartNew();
        foreach (var frame in frames) await socket.SendAsync(frame, WebSocketMessageType.Binary, true, default);
        await socket.SendAsync("""{"event":"websocket:dtmf","digit":"5","duration":260}"""u8.ToArray(), WebSocketMessageType.Text, true, default);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        foreach (var expected in frames)
        {
            var buffer = new byte[4096];
            var received = await socket.ReceiveAsync(buffer, timeout.Token);
            Assert.Equal(WebSocketMessageType.Binary, received.MessageType);
            Assert.True(received.EndOfMessage);
            Assert.Equal(expected, buffer[..received.Count]);
        }
        Assert.True(sent.Elapsed >= TimeSpan.FromMilliseconds(150), $"echo came back after {sent.Elapsed}, before the 200 ms delay");

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
        Assert.Equal(WebSocketState.Closed, socket.State);
    }

    [Fact]
    public async Task The_bot_refuses_plain_http()
    {
        using var response = await _host.Client.GetAsync(new Uri("/demo/bot", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private Task<TestHostFixture> StartAsync(params string[] args) =>
        TestHostFixture.StartAsync(_dataDirectory,
            extraArgs: args.Length > 0 ? args : ["--Ncco:PublicUrl=https://voice.example/ncco", "--Ncco:Demo:EchoDelay=00:00:00.2"],
            configure: b => b.AddNccoDemo().AddNccoDemo(),
            configureApp: a => a.MapNccoDemo().MapNccoDemo());

    private Task<Application?> FindDemoAsync() =>
        _host.Services.GetRequiredService<IApplicationRepository>().FindAsync(DemoOptions.DefaultApplicationId, default);

    private async Task<JsonElement> GetNccoAsync(HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Empty(NccoValidator.Validate(text));
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
