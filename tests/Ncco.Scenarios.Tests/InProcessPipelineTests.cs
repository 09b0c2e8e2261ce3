using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Events;
using Ncco.Model;
using Ncco.Scenarios.Tests.Support;
using Ncco.Testing.Hosting;
using Ncco.Webhooks;

namespace Ncco.Scenarios.Tests;

/// <summary>
/// Webhooks delivered by calling the app's request pipeline directly give the app the same request, and the simulator
/// the same answer, as through an HttpClient on the test server (how in-process apps were reached before).
/// </summary>
public sealed class InProcessPipelineTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private IWebhookTransport _pipeline = null!;
    private IWebhookTransport _http = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = PipelineApp.Create();
        _app.MapGet("/echo", (HttpRequest r) => Results.Text(Describe(r, "")));
        _app.MapPost("/echo", async (HttpRequest r) =>
        {
            using var reader = new StreamReader(r.Body);
            return Results.Text(Describe(r, await reader.ReadToEndAsync()));
        });
        _app.MapGet("/status/{code:int}", (int code) => Results.Text($"status {code}", statusCode: code));
        _app.MapGet("/json", () => Results.Json(new object[] { new { action = "talk", text = "Hello" } }));
        _app.MapGet("/starting", (HttpResponse response) =>
        {
            response.OnStarting(() =>
            {
                response.StatusCode = 202;
                return Task.CompletedTask;
            });
            return Results.Text("late status");
        });
        _app.MapGet("/throws", (HttpContext _) => throw new InvalidOperationException("no such customer"));
        _app.MapGet("/big", () => Results.Text(new string('x', 3000)));
        _app.MapGet("/declared-big", async (HttpResponse response) =>
        {
            response.ContentLength = 5000;
            await response.Body.WriteAsync("tiny"u8.ToArray());
        });
        _app.MapGet("/sync-write", (HttpResponse response) => response.Body.Write("sync"u8));
        _app.MapGet("/hangs", async (HttpContext context) =>
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
            return "never";
        });
        _app.MapGet("/yields", async () =>
        {
            await Task.Yield();
            return "after a yield";
        });
        await _app.StartAsync();
        _pipeline = new Transport(PipelineApp.Pipeline(_app), 2048);
        _client = _app.Services.GetRequiredService<TestServer>().CreateClient();
        _http = new HttpWebhookTransport(_client, maxResponseBytes: 2048);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private static string Describe(HttpRequest r, string body) =>
        $"{r.Method} {r.Scheme}://{r.Host}{r.PathBase}{r.Path}{r.QueryString} q.x={r.Query["x"]} ct={r.ContentType} len={r.ContentLength} "
        + $"auth={r.Headers.Authorization} proto={r.Protocol} body={body}";

    private static readonly NotifyEvent Notify = new() { ConversationUuid = "CON-1", Payload = System.Text.Json.JsonDocument.Parse("{}").RootElement };

    private static WebhookRequest Get(string url) =>
        new(new Uri(url), WebhookMethod.Get, WebhookKind.Event, [], Notify);

    public static TheoryData<string> Gets() =>
    [
        "http://localhost/echo?x=1&y=%20two",
        "https://pharmacy.example/echo?x=caf%C3%A9",
        "http://127.0.0.1:5000/echo",
        "http://localhost/status/200",
        "http://localhost/status/204",
        "http://localhost/status/302",
        "http://localhost/status/404",
        "http://localhost/status/500",
        "http://localhost/status/503",
        "http://localhost/nowhere",
        "http://localhost/json",
        "http://localhost/starting",
        "http://localhost/big",
        "http://localhost/declared-big",
        "http://localhost/yields",
    ];

    [Theory]
    [MemberData(nameof(Gets))]
    public async Task A_GET_gets_the_same_answer_as_through_http(string url) =>
        await AssertSame(Get(url));

    [Fact]
    public async Task A_POST_with_headers_gets_the_same_answer_as_through_http()
    {
        var body = """{"status":"answered","uuid":"abc"}"""u8.ToArray();
        var request = new WebhookRequest(new Uri("https://pharmacy.example/echo?x=7"), WebhookMethod.Post, WebhookKind.Event, body,
            Notify) { Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer t0ken" } };
        var answer = await AssertSame(request);
        Assert.Equal("POST https://pharmacy.example/echo?x=7 q.x=7 ct=application/json len=34 auth=Bearer t0ken proto=HTTP/1.1 body={\"status\":\"answered\",\"uuid\":\"abc\"}",
            answer.BodyText);
    }

    [Fact]
    public async Task An_answer_without_waiting_comes_back_on_the_callers_thread()
    {
        var answer = _pipeline.SendAsync(Get("http://localhost/json"), CancellationToken.None);
        Assert.True(answer.IsCompletedSuccessfully);
        Assert.Equal("""[{"action":"talk","text":"Hello"}]""", (await answer).BodyText);
    }

    [Fact]
    public async Task An_exception_the_app_lets_escape_is_thrown_as_through_http()
    {
        var viaHttp = await Assert.ThrowsAsync<InvalidOperationException>(() => _http.SendAsync(Get("http://localhost/throws"), CancellationToken.None));
        var viaPipeline = await Assert.ThrowsAsync<InvalidOperationException>(() => _pipeline.SendAsync(Get("http://localhost/throws"), CancellationToken.None));
        Assert.Equal(viaHttp.Message, viaPipeline.Message);
        Assert.Equal("no such customer", viaPipeline.Message);
    }

    [Fact]
    public async Task Synchronous_writes_are_refused_as_on_the_test_server()
    {
        var viaHttp = await Assert.ThrowsAsync<InvalidOperationException>(() => _http.SendAsync(Get("http://localhost/sync-write"), CancellationToken.None));
        var viaPipeline = await Assert.ThrowsAsync<InvalidOperationException>(() => _pipeline.SendAsync(Get("http://localhost/sync-write"), CancellationToken.None));
        Assert.Contains("Synchronous operations are disallowed", viaHttp.Message, StringComparison.Ordinal);
        Assert.Contains("Synchronous operations are disallowed", viaPipeline.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_that_never_answers_times_out_and_its_request_is_aborted()
    {
        var request = Get("http://localhost/hangs") with { Timeout = TimeSpan.FromMilliseconds(200) };
        Assert.Equal(WebhookFailure.Timeout, (await _http.SendAsync(request, CancellationToken.None)).Failure);
        Assert.Equal(WebhookFailure.Timeout, (await _pipeline.SendAsync(request, CancellationToken.None)).Failure);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_too_large_naming_the_limit()
    {
        var answer = await _pipeline.SendAsync(Get("http://localhost/big"), CancellationToken.None);
        Assert.Equal(WebhookFailure.TooLarge, answer.Failure);
        Assert.Equal(2048, answer.BodyLimit);
        Assert.Equal(0, answer.Body.Length);
    }

    private async Task<WebhookResponse> AssertSame(WebhookRequest request)
    {
        var expected = await _http.SendAsync(request, CancellationToken.None);
        var actual = await _pipeline.SendAsync(request, CancellationToken.None);
        Assert.Equal(expected.StatusCode, actual.StatusCode);
        Assert.Equal(expected.Failure, actual.Failure);
        Assert.Equal(expected.BodyLimit, actual.BodyLimit);
        Assert.Equal(expected.BodyText, actual.BodyText);
        return actual;
    }

    private sealed class Transport(InProcessPipeline pipeline, long limit) : IWebhookTransport
    {
        public Task<WebhookResponse> SendAsync(WebhookRequest request, CancellationToken cancellationToken) =>
            pipeline.SendAsync(request, limit, cancellationToken);
    }
}
