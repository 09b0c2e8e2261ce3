using System.Buffers;
using System.Text.Json;

namespace Ncco.Host.Http;

/// <summary>
/// A JSON response written by hand with <see cref="Utf8JsonWriter"/>: the wire formats (HAL links, snake_case,
/// fields that appear only in some states) are exact, with no serializer configuration to drift.
/// </summary>
public sealed class Utf8JsonResult : IResult
{
    private readonly byte[] _body;
    private readonly int _statusCode;

    private Utf8JsonResult(byte[] body, int statusCode)
    {
        _body = body;
        _statusCode = statusCode;
    }

    /// <summary>Writes the body with <paramref name="write"/>.</summary>
    public static Utf8JsonResult Create(Action<Utf8JsonWriter> write, int statusCode = StatusCodes.Status200OK)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) write(writer);
        return new Utf8JsonResult(buffer.WrittenSpan.ToArray(), statusCode);
    }

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = _statusCode;
        httpContext.Response.ContentType = "application/json";
        httpContext.Response.ContentLength = _body.Length;
        // Straight into the response pipe (no Stream adapter); a write that completes at once needs no Task.
        var written = httpContext.Response.BodyWriter.WriteAsync(_body, httpContext.RequestAborted);
        return written.IsCompletedSuccessfully ? Task.CompletedTask : written.AsTask();
    }
}
