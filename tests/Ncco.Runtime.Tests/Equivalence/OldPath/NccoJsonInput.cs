using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using System.Text;
using Ncco.Serialization;
using Ncco.Validation;

namespace Ncco.Runtime.Tests.Equivalence.OldPath;

/// <summary>
/// NCCO JSON parsed for the validator and the parser, with what is known about its text: whether every string in it
/// is valid Unicode, so the checker need not look string by string.
/// </summary>
internal readonly struct NccoJsonInput : IDisposable
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    private readonly byte[]? _rented;

    private NccoJsonInput(JsonDocument document, bool wellFormed, byte[]? rented)
    {
        Document = document;
        WellFormed = wellFormed;
        _rented = rented;
    }

    public JsonDocument Document { get; }

    /// <summary>Every string and member name is valid Unicode.</summary>
    public bool WellFormed { get; }

    public JsonElement Root => Document.RootElement;

    /// <summary>Parses UTF-8 JSON, a leading byte order mark allowed (throws <see cref="JsonException"/> when it is not JSON).</summary>
    public static NccoJsonInput Parse(ReadOnlyMemory<byte> utf8Json)
    {
        if (utf8Json.Span.StartsWith("\uFEFF"u8)) utf8Json = utf8Json[3..];
        return new(JsonDocument.Parse(utf8Json, DocumentOptions), Utf8Text.IsWellFormedDocument(utf8Json.Span), null);
    }

    /// <summary>
    /// Parses JSON text (throws <see cref="JsonException"/> when it is not JSON). The text is transcoded here rather than
    /// by System.Text.Json, which throws <see cref="ArgumentException"/> on an unpaired surrogate: one is written as
    /// its (invalid) three-byte form instead, so the checker reports it with the pointer of the string that holds it.
    /// </summary>
    public static NccoJsonInput Parse(string json)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var length = Transcode(json, rented, out var unpaired);
            var memory = rented.AsMemory(0, length);
            var document = JsonDocument.Parse(memory, DocumentOptions);
            // Transcoded from UTF-16 here, the bytes are valid UTF-8 unless a surrogate was unpaired: only escapes remain to look at.
            return new(document, !unpaired && !Utf8Text.MayHoldSurrogateEscape(memory.Span), rented);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(rented);
            throw;
        }
    }

    public void Dispose()
    {
        Document.Dispose();
        if (_rented is not null) ArrayPool<byte>.Shared.Return(_rented);
    }

    private static int Transcode(string json, byte[] buffer, out bool unpaired)
    {
        unpaired = false;
        var source = json.AsSpan();
        var written = 0;
        while (true)
        {
            var status = Utf8.FromUtf16(source, buffer.AsSpan(written), out var read, out var wrote, replaceInvalidSequences: false);
            written += wrote;
            if (status != OperationStatus.InvalidData) return written;
            // An unpaired surrogate: its generalized UTF-8 form is three bytes no UTF-8 decoder accepts.
            unpaired = true;
            var c = source[read];
            buffer[written++] = (byte)(0xE0 | (c >> 12));
            buffer[written++] = (byte)(0x80 | ((c >> 6) & 0x3F));
            buffer[written++] = (byte)(0x80 | (c & 0x3F));
            source = source[(read + 1)..];
        }
    }
}
