using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ncco.Host.Tests.Support;

/// <summary>
/// A real webhook application on loopback HTTP (Kestrel, port 0): serves answer NCCOs, records every request, and
/// can be told to fail a path with a status code or a delay.
/// </summary>
public sealed class WebhookAppServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedWebhook> _received = Channel.CreateUnbounded<ReceivedWebhook>();
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _handlers = new();
    private readonly ConcurrentQueue<ReceivedWebhook> _all = new();

    private WebhookAppServer(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    public IEnumerable<ReceivedWebhook> All => _all;

    public Uri Url(string path) => new(BaseUrl, path);

    public static async Task<WebhookAppServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new WebhookAppServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUrl = new Uri(app.Urls.First() + "/");
        return server;
    }

    /// <summary>Answers <paramref name="path"/> with this NCCO.</summary>
    public void Ncco(string path, string nccoJson) => Handle(path, async c =>
    {
        c.Response.ContentType = "application/json";
        await c.Response.WriteAsync(nccoJson);
    });

    /// <summary>Answers <paramref name="path"/> with a status code.</summary>
    public void Status(string path, int status) => Handle(path, c =>
    {
        c.Response.StatusCode = status;
        return Task.CompletedTask;
    });

    public void Handle(string path, Func<HttpContext, Task> handler) => _handlers[path] = handler;

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var webhook = new ReceivedWebhook(context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "", body,
            context.Request.Headers.Authorization.ToString(), context.Request.Headers["traceparent"].ToString());
        _all.Enqueue(webhook);
        _received.Writer.TryWrite(webhook);
        if (_handlers.TryGetValue(context.Request.Path, out var handler)) await handler(context);
        else context.Response.StatusCode = 200;
    }

    /// <summary>Waits for the next request matching <paramref name="match"/> (skipping others), at most <paramref name="timeout"/>.</summary>
    public async Task<ReceivedWebhook> WaitForAsync(Func<ReceivedWebhook, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                var next = await _received.Reader.ReadAsync(cts.Token);
                if (match(next)) return next;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No matching webhook. Received:\n" + string.Join("\n", _all.Select(w => $"{w.Method} {w.Path}{w.Query} {w.Body}")));
        }
    }

    /// <summary>Waits for an event with <c>status</c> = <paramref name="status"/> for leg <paramref name="uuid"/>.</summary>
    public Task<ReceivedWebhook> WaitForStatusAsync(string uuid, string status, TimeSpan? timeout = null) =>
        WaitForAsync(w => IsStatus(w, uuid, status), timeout);

    /// <summary>
    /// Waits until every leg in <paramref name="uuids"/> has sent event <paramref name="status"/>, in whatever order they
    /// arrive. Waiting for each with <see cref="WaitForStatusAsync"/> in turn is a race: a wait consumes every webhook it
    /// reads past, so the second leg's event, arrived first, was gone when its own wait began.
    /// </summary>
    public async Task WaitForStatusOfAllAsync(string status, params string[] uuids)
    {
        var pending = uuids.Where(uuid => !HasStatus(uuid, status)).ToHashSet(StringComparer.Ordinal);
        while (pending.Count > 0)
        {
            var arrived = await WaitForAsync(w => pending.Any(uuid => IsStatus(w, uuid, status)));
            pending.RemoveWhere(uuid => IsStatus(arrived, uuid, status));
        }
    }

    /// <summary>Whether call <paramref name="uuid"/>'s event <paramref name="status"/> has been received, consumed by a wait or not.</summary>
    public bool HasStatus(string uuid, string status) => _all.Any(w => IsStatus(w, uuid, status));

    /// <summary>Whether a webhook is the event <paramref name="status"/> of call <paramref name="uuid"/> (<c>uuid</c> or AMD's <c>call_uuid</c>).</summary>
    public static bool IsStatus(ReceivedWebhook w, string uuid, string status) =>
        w.Json is { } j && j.TryGetProperty("status", out var s) && s.GetString() == status
        && (j.TryGetProperty("uuid", out var u) ? u.GetString() == uuid : j.TryGetProperty("call_uuid", out var c) && c.GetString() == uuid);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedWebhook(string Method, string Path, string Query, string Body, string Authorization, string TraceParent = "")
{
    public JsonElement? Json => Body.Length > 0 && Body.TrimStart().StartsWith('{') ? JsonDocument.Parse(Body).RootElement : null;
}
