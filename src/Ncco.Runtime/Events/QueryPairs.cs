using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Ncco.Events;

/// <summary>Receives a flattened payload's pairs; the spans are only valid during the call.</summary>
internal interface IQueryPairSink
{
    /// <summary>One pair: the name (a dotted path for a nested leaf) and the value's text.</summary>
    void Pair(ReadOnlySpan<char> name, ReadOnlySpan<char> value);
}

/// <summary>
/// Walks a webhook payload as the query-string pairs <see cref="PayloadJson.ToQuery"/> documents: the one place those
/// flattening rules live, shared by the public list and the pooled GET-webhook query writer.
/// </summary>
/// <remarks>
/// The walk itself allocates only the parser's document: names and values are handed out as spans of pooled buffers,
/// decoded from their raw UTF-8 where the JSON has no escapes in them (the payload writer escapes little) and through
/// the parser's strings otherwise, so the text is the same either way (issue 19: every inbound call's answer webhook is
/// a GET by default).
/// </remarks>
internal static class QueryPairs
{
    /// <summary>Hands each pair of the JSON object <paramref name="json"/> to <paramref name="sink"/>, in document order.</summary>
    public static void Walk<TSink>(ReadOnlyMemory<byte> json, ref TSink sink)
        where TSink : struct, IQueryPairSink
    {
        using var document = JsonDocument.Parse(json);
        var walker = new Walker();
        try
        {
            foreach (var property in document.RootElement.EnumerateObject())
            {
                walker.PathLength = 0;
                walker.AppendName(property);
                walker.Pair(property.Value, ref sink);
                if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array) walker.Leaves(property.Value, ref sink);
            }
        }
        finally
        {
            walker.Dispose();
        }
    }

    /// <summary>The current pair's name (a dotted path for leaves) and a scratch buffer for decoded text.</summary>
    private struct Walker : IDisposable
    {
        private char[] _path;
        private char[] _scratch;

        public Walker()
        {
            _path = ArrayPool<char>.Shared.Rent(64);
            _scratch = ArrayPool<char>.Shared.Rent(128);
        }

        public int PathLength { get; set; }

        // Depth is bounded by the parser (JsonDocument refuses more than 64 levels), size by the payload itself.
        public void Leaves<TSink>(JsonElement value, ref TSink sink)
            where TSink : struct, IQueryPairSink
        {
            var parent = PathLength;
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in value.EnumerateObject())
                    {
                        PathLength = parent;
                        AppendPath(".");
                        AppendName(property);
                        Leaves(property.Value, ref sink);
                    }
                    break;
                case JsonValueKind.Array:
                    var i = 0;
                    Span<char> digits = stackalloc char[11];
                    foreach (var item in value.EnumerateArray())
                    {
                        PathLength = parent;
                        AppendPath(".");
                        (i++).TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
                        AppendPath(digits[..written]);
                        Leaves(item, ref sink);
                    }
                    break;
                default:
                    Pair(value, ref sink);
                    break;
            }
            PathLength = parent;
        }

        public void AppendName(JsonProperty property)
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            if (raw.Contains((byte)'\\')) AppendPath(property.Name);
            else AppendPath(Decode(raw));
        }

        /// <summary>The current path with <paramref name="value"/>'s text: strings as they are, null empty, the rest as JSON.</summary>
        public void Pair<TSink>(JsonElement value, ref TSink sink)
            where TSink : struct, IQueryPairSink
        {
            var name = _path.AsSpan(0, PathLength);
            switch (value.ValueKind)
            {
                case JsonValueKind.Null:
                    sink.Pair(name, []);
                    break;
                case JsonValueKind.String:
                    var content = JsonMarshal.GetRawUtf8Value(value)[1..^1];
                    sink.Pair(name, content.Contains((byte)'\\') ? value.GetString() : Decode(content));
                    break;
                default:
                    sink.Pair(name, Decode(JsonMarshal.GetRawUtf8Value(value)));
                    break;
            }
        }

        private ReadOnlySpan<char> Decode(ReadOnlySpan<byte> utf8)
        {
            var count = Encoding.UTF8.GetMaxCharCount(utf8.Length);
            if (_scratch.Length < count) Grow(ref _scratch, count, 0);
            var written = Encoding.UTF8.GetChars(utf8, _scratch);
            return _scratch.AsSpan(0, written);
        }

        private void AppendPath(ReadOnlySpan<char> text)
        {
            if (_path.Length - PathLength < text.Length) Grow(ref _path, PathLength + text.Length, PathLength);
            text.CopyTo(_path.AsSpan(PathLength));
            PathLength += text.Length;
        }

        public void Dispose()
        {
            ArrayPool<char>.Shared.Return(_path);
            ArrayPool<char>.Shared.Return(_scratch);
        }
    }

    /// <summary>Replaces <paramref name="buffer"/> (pooled) with one of at least <paramref name="needed"/>, keeping its first <paramref name="keep"/> characters.</summary>
    internal static void Grow(ref char[] buffer, int needed, int keep)
    {
        var larger = ArrayPool<char>.Shared.Rent(Math.Max(needed, buffer.Length * 2));
        buffer.AsSpan(0, keep).CopyTo(larger);
        ArrayPool<char>.Shared.Return(buffer);
        buffer = larger;
    }
}
