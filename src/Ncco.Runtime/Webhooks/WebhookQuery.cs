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
    public static string Build(ReadOnlyMemory<byte> json) => Write(json, prefix: default);

    /// <summary>
    /// <paramref name="uri"/> with the payload's query added (after its own query, if it has one): the address a GET
    /// webhook is sent to.
    /// </summary>
    /// <remarks>
    /// Written as one string from <see cref="Uri.AbsoluteUri"/> and parsed once, where a <see cref="UriBuilder"/> made a
    /// string per component, the query twice more and the whole address once more before parsing it (≈ 2 KB per answer
    /// webhook, issue 19). An address with a fragment (which a query goes before) takes the builder's way.
    /// </remarks>
    public static Uri AppendTo(Uri uri, ReadOnlyMemory<byte> json)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri || uri.Fragment.Length > 0)
        {
            var builder = new UriBuilder(uri);
            var query = Build(json);
            builder.Query = string.IsNullOrEmpty(builder.Query) ? query : builder.Query.TrimStart('?') + "&" + query;
            return builder.Uri;
        }
        var address = uri.AbsoluteUri;
        // Without a fragment, a '?' in the absolute form can only start its query (one in the path is escaped).
        return new Uri(Write(json, address, address.Contains('?', StringComparison.Ordinal) ? '&' : '?'));
    }

    private static string Write(ReadOnlyMemory<byte> json, ReadOnlySpan<char> prefix, char separator = '\0')
    {
        var writer = new EscapingWriter();
        try
        {
            if (!prefix.IsEmpty)
            {
                writer.AppendRaw(prefix);
                writer.AppendRaw([separator]);
                writer.QueryStart = prefix.Length + 1;
            }
            QueryPairs.Walk(json, ref writer);
            // No pairs: an address without a query of its own gets none (as the builder gave), not a bare '?'.
            if (separator == '?' && writer.Length == writer.QueryStart) writer.Length--;
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

        /// <summary>Where the query starts in the output (after the address and its separator, if any).</summary>
        public int QueryStart { get; set; }

        /// <summary>The output's length so far.</summary>
        public int Length
        {
            readonly get => _length;
            set => _length = value;
        }

        public void AppendRaw(ReadOnlySpan<char> text)
        {
            if (_output.Length - _length < text.Length) QueryPairs.Grow(ref _output, _length + text.Length, _length);
            text.CopyTo(_output.AsSpan(_length));
            _length += text.Length;
        }

        public void Pair(ReadOnlySpan<char> name, ReadOnlySpan<char> value)
        {
            if (_length > QueryStart) Append('&');
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
