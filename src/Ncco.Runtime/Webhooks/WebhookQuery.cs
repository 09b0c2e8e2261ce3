using System.Buffers;
using Ncco.Events;

namespace Ncco.Webhooks;

/// <summary>
/// The query string of a GET webhook: <see cref="PayloadJson.ToQuery"/>'s pairs (walked by <see cref="QueryPairs"/>),
/// each name and value escaped as <see cref="Uri.EscapeDataString(string)"/> does, joined with <c>&amp;</c> — written
/// into one pooled buffer and made a string once.
/// </summary>
/// <remarks>
/// The answer webhook is a GET by default, so every inbound call builds this; the straightforward join made a list of
/// pairs and a string per name, value, escaped name and value and <c>name=value</c> (issue 19).
/// </remarks>
internal static class WebhookQuery
{
    /// <summary>The escaped query for the payload <paramref name="json"/> (an object).</summary>
    public static string Build(ReadOnlyMemory<byte> json)
    {
        var writer = new EscapingWriter();
        try
        {
            QueryPairs.Walk(json, ref writer);
            return writer.ToString();
        }
        finally
        {
            writer.Dispose();
        }
    }

    private struct EscapingWriter : IQueryPairSink, IDisposable
    {
        private char[] _output;
        private int _length;

        public EscapingWriter() => _output = ArrayPool<char>.Shared.Rent(512);

        public void Pair(ReadOnlySpan<char> name, ReadOnlySpan<char> value)
        {
            if (_length > 0) Append('&');
            Escape(name);
            Append('=');
            Escape(value);
        }

        private void Escape(ReadOnlySpan<char> text)
        {
            // At most nine characters per input character (three UTF-8 bytes, each as %XX).
            var room = (text.Length * 9) + 1;
            if (_output.Length - _length < room) QueryPairs.Grow(ref _output, _length + room, _length);
            if (!Uri.TryEscapeDataString(text, _output.AsSpan(_length), out var written))
            {
                throw new InvalidOperationException("escaped query text did not fit its buffer");
            }
            _length += written;
        }

        private void Append(char c)
        {
            if (_length == _output.Length) QueryPairs.Grow(ref _output, _length + 1, _length);
            _output[_length++] = c;
        }

        public override readonly string ToString() => new(_output, 0, _length);

        public readonly void Dispose() => ArrayPool<char>.Shared.Return(_output);
    }
}
