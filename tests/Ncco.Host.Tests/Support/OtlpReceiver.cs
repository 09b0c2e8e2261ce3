using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ncco.Host.Tests.Support;

/// <summary>
/// An OTLP/HTTP receiver on loopback (<c>POST /v1/traces</c>, <c>/v1/metrics</c>, <c>/v1/logs</c>, binary protobuf as
/// the OTLP specification defines it) that decodes just what the tests look at: each span's ids, name and string
/// attributes, and each metric's name. Written here because no OTLP collector is packaged for this machine's apt or npm.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<OtlpSpan> _spans = new();
    private readonly ConcurrentQueue<string> _metrics = new();
    private readonly ConcurrentQueue<string> _requests = new();

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<OtlpSpan> Spans => [.. _spans];

    public IReadOnlyList<string> MetricNames => [.. _metrics];

    /// <summary>Each request as <c>path content-type</c>.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.Endpoint = new Uri(app.Urls.First());
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var bytes = body.ToArray();
        _requests.Enqueue($"{context.Request.Path} {context.Request.ContentType}");
        switch (context.Request.Path.Value)
        {
            case "/v1/traces":
                // ExportTraceServiceRequest.resource_spans(1) → ResourceSpans.scope_spans(2) → ScopeSpans.spans(2)
                foreach (var resource in Protobuf.Messages(bytes, 1))
                    foreach (var scope in Protobuf.Messages(resource, 2))
                        foreach (var span in Protobuf.Messages(scope, 2))
                            _spans.Enqueue(OtlpSpan.Decode(span));
                break;
            case "/v1/metrics":
                // ExportMetricsServiceRequest.resource_metrics(1) → ResourceMetrics.scope_metrics(2) → ScopeMetrics.metrics(2) → Metric.name(1)
                foreach (var resource in Protobuf.Messages(bytes, 1))
                    foreach (var scope in Protobuf.Messages(resource, 2))
                        foreach (var metric in Protobuf.Messages(scope, 2))
                            _metrics.Enqueue(Protobuf.String(metric, 1) ?? "");
                break;
        }
        // An empty Export…ServiceResponse: full success.
        context.Response.ContentType = "application/x-protobuf";
        context.Response.StatusCode = 200;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>A span as OTLP carries it.</summary>
public sealed record OtlpSpan(string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, string> Attributes)
{
    internal static OtlpSpan Decode(ReadOnlyMemory<byte> span)
    {
        // Span: trace_id(1), span_id(2), parent_span_id(4), name(5), attributes(9) = KeyValue{key(1), value(2) = AnyValue{string_value(1)}}
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in Protobuf.Messages(span, 9))
        {
            var key = Protobuf.String(pair, 1);
            var value = Protobuf.Messages(pair, 2).Select(v => Protobuf.String(v, 1)).FirstOrDefault();
            if (key is not null && value is not null) attributes[key] = value;
        }
        return new OtlpSpan(Protobuf.Hex(span, 1), Protobuf.Hex(span, 2), Protobuf.Hex(span, 4), Protobuf.String(span, 5) ?? "", attributes);
    }
}

/// <summary>Just enough of the protobuf wire format (varints, fixed, length-delimited) to walk OTLP messages.</summary>
internal static class Protobuf
{
    public static IEnumerable<ReadOnlyMemory<byte>> Messages(ReadOnlyMemory<byte> message, int field) =>
        Fields(message).Where(f => f.Field == field && f.Wire == 2).Select(f => f.Bytes);

    public static string? String(ReadOnlyMemory<byte> message, int field) =>
        Messages(message, field).Select(b => System.Text.Encoding.UTF8.GetString(b.Span)).LastOrDefault();

    public static string Hex(ReadOnlyMemory<byte> message, int field) =>
        Messages(message, field).Select(b => Convert.ToHexStringLower(b.Span)).LastOrDefault() ?? "";

    private static List<(int Field, int Wire, ReadOnlyMemory<byte> Bytes)> Fields(ReadOnlyMemory<byte> message)
    {
        var fields = new List<(int, int, ReadOnlyMemory<byte>)>();
        var position = 0;
        var span = message.Span;
        while (position < span.Length)
        {
            var key = Varint(span, ref position);
            var wire = (int)(key & 7);
            var field = (int)(key >> 3);
            switch (wire)
            {
                case 0:
                    Varint(span, ref position);
                    fields.Add((field, wire, ReadOnlyMemory<byte>.Empty));
                    break;
                case 1:
                    fields.Add((field, wire, message.Slice(position, 8)));
                    position += 8;
                    break;
                case 2:
                    var length = (int)Varint(span, ref position);
                    fields.Add((field, wire, message.Slice(position, length)));
                    position += length;
                    break;
                case 5:
                    fields.Add((field, wire, message.Slice(position, 4)));
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"protobuf wire type {wire} at {position}");
            }
        }
        return fields;
    }

    private static ulong Varint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = span[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("varint too long");
    }
}
