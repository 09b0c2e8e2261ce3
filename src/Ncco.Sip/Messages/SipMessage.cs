using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Ncco.Sip.Parsing;

namespace Ncco.Sip.Messages;

/// <summary>
/// A SIP request or response: headers in order (canonical names) and a body. Immutable; <c>With…</c> methods return copies.
/// Typed accessors parse on demand; a parsed message has already been validated for the mandatory ones.
/// </summary>
public abstract record SipMessage
{
    /// <summary>Header fields in order. Content-Length is not stored; the serializer writes it from the body.</summary>
    public ImmutableArray<SipHeader> Headers { get; init; } = [];

    /// <summary>The message body (often SDP).</summary>
    public ReadOnlyMemory<byte> Body { get; init; } = ReadOnlyMemory<byte>.Empty;

    /// <summary>The first value of a header, or null.</summary>
    public string? Header(string name)
    {
        foreach (var h in Headers)
        {
            if (h.Is(name))
            {
                return h.Value;
            }
        }
        return null;
    }

    /// <summary>All values of a header in order.</summary>
    public IEnumerable<string> HeaderValues(string name)
    {
        // One iterator, not a closure, a delegate and two LINQ iterators: the parser and the dialogs read headers on
        // every message of every call (issue 19).
        var headers = Headers;
        for (var i = 0; i < headers.Length; i++)
        {
            if (headers[i].Is(name))
            {
                yield return headers[i].Value;
            }
        }
    }

    /// <summary>How many values of a header the message has.</summary>
    internal int HeaderCount(string name)
    {
        var count = 0;
        foreach (var h in Headers)
        {
            if (h.Is(name))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>A copy with all values of <paramref name="name"/> replaced by one value (appended at the end if absent).</summary>
    public SipMessage WithHeader(string name, string value)
    {
        // The new value takes the place of the first old one, so header order (which Via and Route depend on) is kept.
        var kept = new List<SipHeader>(Headers.Length + 1);
        var placed = false;
        foreach (var header in Headers)
        {
            if (!header.Is(name))
            {
                kept.Add(header);
            }
            else if (!placed)
            {
                kept.Add(new SipHeader(name, value));
                placed = true;
            }
        }
        if (!placed)
        {
            kept.Add(new SipHeader(name, value));
        }
        return this with { Headers = [.. kept] };
    }

    /// <summary>A copy with a header appended.</summary>
    public SipMessage AddHeader(string name, string value) => this with { Headers = Headers.Add(new SipHeader(name, value)) };

    /// <summary>A copy without any value of the header.</summary>
    public SipMessage WithoutHeader(string name) => this with { Headers = [.. Headers.Where(h => !h.Is(name))] };

    /// <summary>All Via entries, top first.</summary>
    public IReadOnlyList<ViaHeader> Vias
    {
        get
        {
            var vias = new List<ViaHeader>(HeaderCount(HeaderNames.Via));
            foreach (var h in Headers)
            {
                if (h.Is(HeaderNames.Via))
                {
                    vias.Add(ViaHeader.Parse(h.Value));
                }
            }
            return vias;
        }
    }

    /// <summary>The top Via.</summary>
    public ViaHeader TopVia => ViaHeader.Parse(Header(HeaderNames.Via) ?? throw new SipParseException("missing", HeaderNames.Via));

    /// <summary>From.</summary>
    public NameAddress From => NameAddress.Parse(Header(HeaderNames.From) ?? throw new SipParseException("missing", HeaderNames.From), HeaderNames.From);

    /// <summary>To.</summary>
    public NameAddress To => NameAddress.Parse(Header(HeaderNames.To) ?? throw new SipParseException("missing", HeaderNames.To), HeaderNames.To);

    /// <summary>Call-ID.</summary>
    public string CallId => Header(HeaderNames.CallId) ?? throw new SipParseException("missing", HeaderNames.CallId);

    /// <summary>CSeq.</summary>
    public CSeqHeader CSeq => CSeqHeader.Parse(Header(HeaderNames.CSeq) ?? throw new SipParseException("missing", HeaderNames.CSeq));

    /// <summary>True when the only Contact is <c>*</c> (REGISTER "remove all bindings").</summary>
    public bool IsContactWildcard => Header(HeaderNames.Contact)?.Trim() == "*";

    /// <summary>Contact entries (empty when none or wildcard).</summary>
    public IReadOnlyList<NameAddress> Contacts => IsContactWildcard ? [] : Addresses(HeaderNames.Contact);

    /// <summary>Record-Route entries in order.</summary>
    public IReadOnlyList<NameAddress> RecordRoutes => Addresses(HeaderNames.RecordRoute);

    private List<NameAddress> Addresses(string name)
    {
        var count = HeaderCount(name);
        var addresses = new List<NameAddress>(count);
        if (count > 0)
        {
            foreach (var h in Headers)
            {
                if (h.Is(name))
                {
                    addresses.Add(NameAddress.Parse(h.Value, name));
                }
            }
        }
        return addresses;
    }

    /// <summary>Max-Forwards, or null when absent.</summary>
    public int? MaxForwards => Header(HeaderNames.MaxForwards) is { } v && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>Content-Type, or null.</summary>
    public string? ContentType => Header(HeaderNames.ContentType);

    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body.Span);

    /// <summary>Writes the start line.</summary>
    protected abstract void AppendStartLine(StringBuilder builder);

    /// <summary>The start line's text (without its CRLF).</summary>
    /// <remarks>The records here override it with one string built in place; the default goes through <see cref="AppendStartLine"/>.</remarks>
    private protected virtual string StartLine()
    {
        var builder = new StringBuilder();
        AppendStartLine(builder);
        return builder.ToString();
    }

    /// <summary>Serializes to wire form with CRLF line ends and a Content-Length that matches the body.</summary>
    public byte[] ToBytes()
    {
        // Each piece is encoded straight into the one array returned, sized exactly up front: no builder, character
        // buffer or intermediate string per message sent (issue 19). The pieces are joined by ASCII separators, so
        // encoding them one by one gives the same bytes as encoding the whole head at once.
        var utf8 = Encoding.UTF8;
        var startLine = StartLine();
        var headLength = utf8.GetByteCount(startLine) + 2;
        var headers = Headers;
        foreach (var header in headers)
        {
            if (!header.Is(HeaderNames.ContentLength))
            {
                headLength += utf8.GetByteCount(header.Name) + 2 + utf8.GetByteCount(header.Value) + 2;
            }
        }
        var body = Body.Span;
        Span<byte> lengthDigits = stackalloc byte[11];
        body.Length.TryFormat(lengthDigits, out var digits, default, CultureInfo.InvariantCulture);
        headLength += ContentLengthPrefix.Length + digits + 4;
        var bytes = new byte[headLength + body.Length];
        var at = utf8.GetBytes(startLine, bytes);
        at += Write(bytes, at, "\r\n"u8);
        foreach (var header in headers)
        {
            if (header.Is(HeaderNames.ContentLength))
            {
                continue;
            }
            at += utf8.GetBytes(header.Name, bytes.AsSpan(at));
            at += Write(bytes, at, ": "u8);
            at += utf8.GetBytes(header.Value, bytes.AsSpan(at));
            at += Write(bytes, at, "\r\n"u8);
        }
        at += Write(bytes, at, ContentLengthPrefix);
        at += Write(bytes, at, lengthDigits[..digits]);
        at += Write(bytes, at, "\r\n\r\n"u8);
        body.CopyTo(bytes.AsSpan(at));
        return bytes;
    }

    private static ReadOnlySpan<byte> ContentLengthPrefix => "Content-Length: "u8;

    private static int Write(byte[] bytes, int at, ReadOnlySpan<byte> text)
    {
        text.CopyTo(bytes.AsSpan(at));
        return text.Length;
    }

    /// <inheritdoc />
    public override string ToString() => Encoding.UTF8.GetString(ToBytes());
}
