using System.Text.Json;
using System.Text.Unicode;

namespace Ncco.Host.Http;

/// <summary>
/// Reads a JSON request body and refuses text <see cref="JsonDocument"/> accepts but cannot give back as strings:
/// invalid UTF-8 and escaped lone surrogates (<c>"\ud800"</c>). <see cref="JsonDocument"/> checks neither, and
/// reading such a string later throws — a 500 with an empty body instead of a 400 naming the problem (issue 16).
/// The body is already bounded by <c>Ncco:Limits:MaxRequestBodyBytes</c>.
/// </summary>
public static class JsonRequestBody
{
    /// <summary>The parsed body, or the reason it is not acceptable JSON text (for a 400).</summary>
    public static async Task<(JsonDocument? Document, string? Problem)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (FindBadText(bytes.Span) is { } problem) return (null, problem);
        try
        {
            return (JsonDocument.Parse(bytes), null);
        }
        catch (JsonException e)
        {
            return (null, "The body is not valid JSON: " + e.Message);
        }
    }

    /// <summary>Null when every string is well-formed text; else what is wrong and where.</summary>
    public static string? FindBadText(ReadOnlySpan<byte> json)
    {
        if (Utf8.IsValid(json))
        {
            if (json.IndexOf("\\u"u8) < 0) return null;
        }
        else
        {
            var offset = 0;
            while (offset < json.Length && System.Text.Rune.DecodeFromUtf8(json[offset..], out _, out var length) == System.Buffers.OperationStatus.Done) offset += length;
            return $"The body is not valid UTF-8 (byte offset {offset}).";
        }
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped)
                {
                    try
                    {
                        _ = reader.GetString();
                    }
                    catch (InvalidOperationException)
                    {
                        return $"A string at byte offset {reader.TokenStartIndex} holds an unpaired surrogate escape (\\uD800-\\uDFFF), which is not text.";
                    }
                }
            }
        }
        catch (JsonException)
        {
            return null; // malformed JSON: the parser reports it with its position
        }
        return null;
    }
}
