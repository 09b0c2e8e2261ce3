using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Ncco.Events;

namespace Ncco.Webhooks;

/// <summary>
/// The query string of a GET webhook: <see cref="PayloadJson.ToQuery"/>'s pairs, each name and value escaped as
/// <see cref="Uri.EscapeDataString(string)"/> does, joined with <c>&amp;</c> — written into one pooled buffer and made a
/// string once.
/// </summary>
/// <remarks>
/// The answer webhook is a GET by default, so every inbound call built this: the payload copied for the parser, a list
/// of pairs, a string per name, value, escaped name and value and <c>name=value</c>, then the join (issue 19). Names and
/// values are read as their raw UTF-8 where the JSON has no escapes in them (the payload writer escapes little), and
/// through the parser's strings otherwise, so the text is the same either way.
/// </remarks>
internal static class WebhookQuery
{
    /// <summary>The escaped query for the payload <paramref name="json"/> (an object).</summary>
    public static string Build(ReadOnlyMemory<byte> json)
    {
        using var document = JsonDocument.Parse(json);
        var writer = new Writer();
        try
        {
            foreach (var property in document.RootElement.EnumerateObject())
            {
                writer.PathLength = 0;
                writer.AppendName(property);
                writer.Pair(property.Value);
                if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array) writer.Leaves(property.Value);
            }
            return writer.ToString();
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>The output, the current pair's name (a dotted path for leaves) and a scratch buffer for decoded text.</summary>
    private struct Writer : IDisposable
    {
        private char[] _output;
        private int _length;
        private char[] _path;
        private char[] _scratch;

        public Writer()
        {
            _output = ArrayPool<char>.Shared.Rent(512);
            _path = ArrayPool<char>.Shared.Rent(64);
            _scratch = ArrayPool<char>.Shared.Rent(128);
        }

        public int PathLength { get; set; }

        // Depth is bounded by the parser (JsonDocument refuses more than 64 levels), size by the payload itself.
        public void Leaves(JsonElement value)
        {
            var parent = PathLength;
            switch (value.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in value.EnumerateObject())
                    {
                        PathLength = parent;
                        AppendPath('.');
                        AppendName(property);
                        Leaves(property.Value);
                    }
                    break;
                case JsonValueKind.Array:
                    var i = 0;
                    Span<char> digits = stackalloc char[11];
                    foreach (var item in value.EnumerateArray())
                    {
                        PathLength = parent;
                        AppendPath('.');
                        (i++).TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
                        AppendPath(digits[..written]);
                        Leaves(item);
                    }
                    break;
                default:
                    Pair(value);
                    break;
            }
            PathLength = parent;
        }

        public void AppendName(JsonProperty property)
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(property);
            if (raw.Contains((byte)'\\'))
            {
                AppendPath(property.Name);
                return;
            }
            AppendPath(Decode(raw));
        }

        /// <summary>Writes <c>[&amp;]escaped(path)=escaped(value text)</c>.</summary>
        public void Pair(JsonElement value)
        {
            if (_length > 0) Append('&');
            Escape(_path.AsSpan(0, PathLength));
            Append('=');
            switch (value.ValueKind)
            {
                case JsonValueKind.Null:
                    break;
                case JsonValueKind.String:
                    var raw = JsonMarshal.GetRawUtf8Value(value);
                    var content = raw[1..^1];
                    if (content.Contains((byte)'\\')) Escape(value.GetString());
                    else Escape(Decode(content));
                    break;
                default:
                    Escape(Decode(JsonMarshal.GetRawUtf8Value(value)));
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

        private void Escape(ReadOnlySpan<char> text)
        {
            // At most nine characters per input character (three UTF-8 bytes, each as %XX).
            var room = (text.Length * 9) + 1;
            if (_output.Length - _length < room) Grow(ref _output, _length + room, _length);
            if (!Uri.TryEscapeDataString(text, _output.AsSpan(_length), out var written))
            {
                throw new InvalidOperationException("escaped query text did not fit its buffer");
            }
            _length += written;
        }

        private void Append(char c)
        {
            if (_length == _output.Length) Grow(ref _output, _length + 1, _length);
            _output[_length++] = c;
        }

        private void AppendPath(char c) => AppendPath([c]);

        private void AppendPath(ReadOnlySpan<char> text)
        {
            if (_path.Length - PathLength < text.Length) Grow(ref _path, PathLength + text.Length, PathLength);
            text.CopyTo(_path.AsSpan(PathLength));
            PathLength += text.Length;
        }

        private static void Grow(ref char[] buffer, int needed, int keep)
        {
            var larger = ArrayPool<char>.Shared.Rent(Math.Max(needed, buffer.Length * 2));
            buffer.AsSpan(0, keep).CopyTo(larger);
            ArrayPool<char>.Shared.Return(buffer);
            buffer = larger;
        }

        public override readonly string ToString() => new(_output, 0, _length);

        public void Dispose()
        {
            ArrayPool<char>.Shared.Return(_output);
            ArrayPool<char>.Shared.Return(_path);
            ArrayPool<char>.Shared.Return(_scratch);
        }
    }
}
