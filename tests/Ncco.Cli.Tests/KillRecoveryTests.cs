using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Ncco.Host.Tests.Support;

namespace Ncco.Cli.Tests;

/// <summary>
/// Issue 16, nothing lost: the real <c>ncco serve</c> as a separate process, killed with SIGKILL in the middle of a
/// recorded call, then started again on the same data directory. The restarted host must end the call (status event,
/// store), and adopt the partial recording (a record event whose URL downloads a playable WAV) or report it failed.
/// Bounded: every wait has a deadline, and the processes are killed whatever happens.
/// </summary>
public sealed class KillRecoveryTests : IAsyncLifetime
{
    private const string ApiKey = "killkey1";
    private const string ApiSecret = "kill-secret-123456";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private readonly string _data = Directory.CreateTempSubdirectory("ncco-kill-").FullName;
    private readonly ConcurrentQueue<(string Path, string Body)> _webhooks = new();
    private readonly int _port = FreePort();
    private WebApplication _app = null!;
    private string _appUrl = "";
    private Process? _host;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.UseWebSockets();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        _appUrl = _app.Urls.First();
    }

    public async Task DisposeAsync()
    {
        Kill();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A file the killed process held may linger a moment; the temp directory is cleaned by the system.
        }
    }

    [Fact]
    public async Task A_host_killed_mid_recording_ends_the_call_and_adopts_the_recording_when_it_starts_again()
    {
        await StartHostAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}"), Timeout = Limit };
        var (applicationId, privateKey) = await CreateApplicationAsync(http);

        var ncco = $$"""[{"action":"record","eventUrl":["{{_appUrl}}/recording"],"format":"wav"},{"action":"conversation","name":"kill-room"}]""";
        var body = $$"""{"to":[{"type":"websocket","uri":"ws://127.0.0.1:{{new Uri(_appUrl).Port}}/ws","content-type":"audio/l16;rate=16000"}],"from":{"type":"phone","number":"447700900000"},"ncco":{{ncco}}}""";
        using var create = new HttpRequestMessage(HttpMethod.Post, "/v1/calls") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApplicationJwt.Mint(applicationId, privateKey, DateTimeOffset.UtcNow));
        using var created = await http.SendAsync(create);
        var createdBody = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"POST /v1/calls: {(int)created.StatusCode} {createdBody}");
        var uuid = JsonDocument.Parse(createdBody).RootElement.GetProperty("uuid").GetString()!;

        await WaitAsync(() => HasStatus(uuid, "answered"), "the call to be answered");
        var recordings = Path.Combine(_data, "recordings");
        // At least a second of audio written (16-bit at 8 kHz or more) before the kill.
        await WaitAsync(() => Directory.Exists(recordings) && Directory.EnumerateFiles(recordings, "*.partial.wav").Any(f => new FileInfo(f).Length > 16_000),
            "a partial recording with audio on disk");

        Kill(); // SIGKILL: no shutdown, no drain, no header written
        Assert.False(HasStatus(uuid, "completed"));

        await StartHostAsync();
        await WaitAsync(() => HasStatus(uuid, "completed") || HasStatus(uuid, "failed"), "the killed call's final status event from the restarted host");

        await WaitAsync(() => _webhooks.Any(w => w.Path == "/recording") || _webhooks.Any(IsRecordingError),
            "the partial recording adopted (record event) or reported failed (error event)");
        Assert.False(_webhooks.Any(IsRecordingError), "the recording was reported failed although it had audio:\n" + string.Join('\n', _webhooks.Select(w => w.Body)));
        var record = _webhooks.First(w => w.Path == "/recording");
        var url = JsonDocument.Parse(record.Body).RootElement.GetProperty("recording_url").GetString()!;
        using var download = new HttpRequestMessage(HttpMethod.Get, url);
        download.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApplicationJwt.Mint(applicationId, privateKey, DateTimeOffset.UtcNow));
        using var file = await http.SendAsync(download);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        var wav = await file.Content.ReadAsByteArrayAsync();
        Assert.Equal("RIFF", Encoding.ASCII.GetString(wav, 0, 4));
        Assert.Equal(wav.Length - 8, BitConverter.ToInt32(wav, 4)); // the header was finalised from the audio written
        Assert.True(wav.Length > 16_000, $"the adopted recording has {wav.Length} bytes");

        using var get = new HttpRequestMessage(HttpMethod.Get, "/v1/calls/" + uuid);
        get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApplicationJwt.Mint(applicationId, privateKey, DateTimeOffset.UtcNow));
        using var call = await http.SendAsync(get);
        var stored = JsonDocument.Parse(await call.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains(stored.GetProperty("status").GetString(), new[] { "completed", "failed" });
        Assert.True(stored.TryGetProperty("end_time", out var end) && end.ValueKind == JsonValueKind.String, stored.GetRawText());
    }

    private static bool IsRecordingError((string Path, string Body) w) =>
        w.Path == "/event" && w.Body.Contains("\"reason\"", StringComparison.Ordinal) && w.Body.Contains("Recording failed", StringComparison.Ordinal);

    private bool HasStatus(string uuid, string status) => _webhooks.Any(w =>
        w.Path == "/event" && w.Body.Contains($"\"uuid\":\"{uuid}\"", StringComparison.Ordinal) && w.Body.Contains($"\"status\":\"{status}\"", StringComparison.Ordinal));

    private async Task<(string Id, string PrivateKey)> CreateApplicationAsync(HttpClient http)
    {
        var json = $$"""
            { "name": "kill test", "capabilities": { "voice": { "webhooks": {
                "answer_url": { "address": "{{_appUrl}}/answer", "http_method": "GET" },
                "event_url": { "address": "{{_appUrl}}/event", "http_method": "POST" } } } } }
            """;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/applications") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(ApiKey + ":" + ApiSecret)));
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        var root = JsonDocument.Parse(text).RootElement;
        return (root.GetProperty("id").GetString()!, root.GetProperty("keys").GetProperty("private_key").GetString()!);
    }

    private async Task StartHostAsync()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[CliDll(), "serve", "--urls", $"http://127.0.0.1:{_port}", "--data-directory", _data, "--no-demo",
            "--Ncco:Sip:Enabled=false", $"--Ncco:Account:ApiKey={ApiKey}", $"--Ncco:Account:ApiSecret={ApiSecret}", "--Logging:LogLevel:Default=Warning"])
        {
            info.ArgumentList.Add(arg);
        }
        _host = Process.Start(info)!;
        // Drain its output so a full pipe never blocks it.
        _host.OutputDataReceived += (_, _) => { };
        _host.ErrorDataReceived += (_, _) => { };
        _host.BeginOutputReadLine();
        _host.BeginErrorReadLine();
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await WaitAsync(async () =>
        {
            Assert.False(_host.HasExited, $"ncco serve exited with {(_host.HasExited ? _host.ExitCode : 0)}");
            try
            {
                using var ready = await probe.GetAsync(new Uri($"http://127.0.0.1:{_port}/health/ready"));
                return ready.StatusCode == HttpStatusCode.OK;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, "ncco serve to be ready");
    }

    private void Kill()
    {
        if (_host is null) return;
        if (!_host.HasExited)
        {
            _host.Kill(); // SIGKILL on Unix
            _host.WaitForExit(10_000);
        }
        _host.Dispose();
        _host = null;
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.WebSockets.IsWebSocketRequest)
        {
            // The call's far end: sends a quiet tone's worth of frames so the recording has audio, reads whatever comes.
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var frame = new byte[640];
            for (var i = 0; i < frame.Length; i += 2) BitConverter.TryWriteBytes(frame.AsSpan(i), (short)(1000 * Math.Sin(i / 2 * 2 * Math.PI * 440 / 16000)));
            var buffer = new byte[8192];
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
            var reading = Task.Run(async () =>
            {
                while (socket.State == WebSocketState.Open && !(await socket.ReceiveAsync(buffer, CancellationToken.None)).CloseStatus.HasValue)
                {
                }
            });
            try
            {
                while (socket.State == WebSocketState.Open && !reading.IsCompleted && await timer.WaitForNextTickAsync(context.RequestAborted))
                {
                    await socket.SendAsync(frame, WebSocketMessageType.Binary, true, context.RequestAborted);
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
            {
                // The host was killed mid-call: its end of the socket vanished.
            }
            return;
        }
        using var reader = new StreamReader(context.Request.Body);
        _webhooks.Enqueue((context.Request.Path.Value ?? "", await reader.ReadToEndAsync()));
        context.Response.StatusCode = 200;
    }

    private static async Task WaitAsync(Func<bool> condition, string what) => await WaitAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }

    private static string CliDll()
    {
        // Built next to this test by its project reference; started with `dotnet` as a user's tool would be.
        var here = Path.Combine(AppContext.BaseDirectory, "Ncco.Cli.dll");
        Assert.True(File.Exists(here) && File.Exists(Path.Combine(AppContext.BaseDirectory, "Ncco.Cli.runtimeconfig.json")), "Ncco.Cli.dll and its runtimeconfig are not next to the tests");
        return here;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
