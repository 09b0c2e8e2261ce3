using System.Globalization;
using System.Text;
using Ncco.Sip.Messages;

namespace Ncco.Sip.Parsing;

/// <summary>
/// Parses one whole SIP message (a datagram, or a frame cut by <see cref="SipStreamFramer"/>).
/// Tolerant where phones are sloppy and it is safe (compact names, any header-name case, folded lines, bare LF line ends,
/// whitespace around colons and slashes, leading CRLF keep-alives); strict where routing or state depends on it
/// (start line, version, mandatory headers, CSeq, Content-Length, Via, From/To, limits). Throws only <see cref="SipParseException"/>.
/// </summary>
public static class SipMessageParser
{
    /// <summary>Parses a message, or throws <see cref="SipParseException"/> naming the header and the reason.</summary>
    public static SipMessage Parse(ReadOnlySpan<byte> data, SipLimits? limits = null)
    {
        limits ??= SipLimits.Default;
        if (data.Length > limits.MaxMessageBytes)
        {
            throw new SipParseException($"message of {data.Length} bytes exceeds the limit of {limits.MaxMessageBytes}", null, 513);
        }
        var offset = 0;
        while (offset + 1 < data.Length && data[offset] == '\r' && data[offset + 1] == '\n')
        {
            offset += 2;
        }
        data = data[offset..];
        var (headerEnd, bodyStart) = FindHeaderEnd(data);
        if (headerEnd < 0)
        {
            throw new SipParseException("message has no blank line after the headers");
        }
        var headText = Encoding.UTF8.GetString(data[..headerEnd]);
        // Control characters (other than tab) have no place in a header and would travel on into logs and webhooks.
        var control = headText.AsSpan().IndexOfAnyInRange('\0', '\x08');
        if (control < 0)
        {
            control = headText.AsSpan().IndexOfAnyInRange('\x0b', '\x0c');
        }
        if (control < 0)
        {
            control = headText.AsSpan().IndexOfAnyInRange('\x0e', '\x1f');
        }
        if (control < 0)
        {
            control = headText.IndexOf('\x7f', StringComparison.Ordinal);
        }
        if (control < 0)
        {
            // A CR is only allowed as part of a line end (the header section stops just before the last line's LF).
            for (var i = 0; i < headText.Length - 1 && control < 0; i++)
            {
                if (headText[i] == '\r' && headText[i + 1] != '\n')
                {
                    control = i;
                }
            }
        }
        if (control >= 0)
        {
            throw new SipParseException($"control character 0x{(int)headText[control]:x2} in the headers");
        }
        var lines = Unfold(headText, limits);
        if (lines.Count == 0 || lines[0].Length == 0)
        {
            throw new SipParseException("message has no start line");
        }

        var startLine = lines[0].ToString();
        SipRequest? request = null;
        SipResponse? response = null;
        if (startLine.StartsWith("SIP/", StringComparison.OrdinalIgnoreCase))
        {
            response = ParseStatusLine(startLine);
        }
        else
        {
            request = ParseRequestLine(startLine);
        }

        var headers = new List<SipHeader>(lines.Count);
        List<string>? contentLengths = null;
        for (var n = 1; n < lines.Count; n++)
        {
            // Name and value are cut from the head's text as spans: a string per value, none per line or name.
            var line = lines[n].Span;
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                throw Fail(new SipParseException($"header line {n} has no name followed by ':'"), request, headers);
            }
            var rawName = line[..colon].TrimEnd(" \t");
            if (!HeaderText.IsToken(rawName))
            {
                throw Fail(new SipParseException($"header name '{Printable(rawName.ToString())}' is not a token"), request, headers);
            }
            var name = HeaderNames.Canonical(rawName);
            var value = line[(colon + 1)..].Trim(" \t").ToString();
            if (name == HeaderNames.ContentLength)
            {
                (contentLengths ??= []).Add(value);
                continue;
            }
            if (HeaderNames.IsSplitList(name) && !(name == HeaderNames.Contact && value == "*"))
            {
                foreach (var part in SplitOrFail(value, name, request, headers))
                {
                    headers.Add(new SipHeader(name, part));
                }
            }
            else
            {
                headers.Add(new SipHeader(name, value));
            }
            if (headers.Count > limits.MaxHeaderCount)
            {
                throw new SipParseException($"more than {limits.MaxHeaderCount} header fields", null, 400);
            }
        }

        var body = data[bodyStart..];
        int? declared = null;
        if (contentLengths is not null)
        {
            foreach (var text in contentLengths)
            {
                if (text.Length is 0 or > 10 || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
                {
                    throw Fail(new SipParseException("must be a non-negative whole number", HeaderNames.ContentLength), request, headers);
                }
                if (declared is { } earlier && earlier != length)
                {
                    throw Fail(new SipParseException("appears more than once with different values", HeaderNames.ContentLength), request, headers);
                }
                declared = length;
            }
            if (declared > body.Length)
            {
                throw Fail(new SipParseException($"declares {declared} bytes but only {body.Length} follow the headers", HeaderNames.ContentLength), request, headers);
            }
            // RFC 3261 §18.3: bytes past Content-Length in a datagram are discarded.
            body = body[..declared!.Value];
        }

        // The array becomes the message's own (no second copy into the immutable array).
        var immutable = System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(headers.ToArray());
        SipMessage message = request is not null
            ? request with { Headers = immutable, Body = body.ToArray() }
            : response! with { Headers = immutable, Body = body.ToArray() };
        try
        {
            Validate(message);
        }
        catch (SipParseException error)
        {
            throw Fail(error, request, headers);
        }
        return message;
    }

    /// <summary>Parses without throwing; <paramref name="error"/> explains a failure.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out SipMessage? message, out SipParseException? error, SipLimits? limits = null)
    {
        try
        {
            message = Parse(data, limits);
            error = null;
            return true;
        }
        catch (SipParseException e)
        {
            message = null;
            error = e;
            return false;
        }
    }

    private static List<string> SplitOrFail(string value, string name, SipRequest? request, List<SipHeader> headers)
    {
        try
        {
            return HeaderText.SplitList(value, name);
        }
        catch (SipParseException e)
        {
            throw Fail(e, request, headers);
        }
    }

    private static SipParseException Fail(SipParseException error, SipRequest? request, List<SipHeader> headers)
    {
        if (request is not null && error.PartialRequest is null)
        {
            error.PartialRequest = request with { Headers = [.. headers] };
        }
        return error;
    }

    private static readonly string[] Mandatory = [HeaderNames.Via, HeaderNames.From, HeaderNames.To, HeaderNames.CallId, HeaderNames.CSeq];

    private static void Validate(SipMessage message)
    {
        foreach (var name in Mandatory)
        {
            if (message.Header(name) is null)
            {
                throw new SipParseException("mandatory header is missing", name);
            }
        }
        foreach (var name in Mandatory)
        {
            if (name != HeaderNames.Via && message.HeaderCount(name) > 1)
            {
                throw new SipParseException("must appear exactly once", name);
            }
        }
        // Parsed to validate, one header at a time: no list of results that would only be thrown away.
        foreach (var header in message.Headers)
        {
            if (header.Is(HeaderNames.Via))
            {
                ViaHeader.Parse(header.Value);
            }
        }
        _ = message.From;
        _ = message.To;
        if (message.CallId.Length == 0 || message.CallId.AsSpan().IndexOfAny(' ', '\t') >= 0)
        {
            throw new SipParseException("must be a single non-empty word", HeaderNames.CallId);
        }
        var cseq = message.CSeq;
        if (message is SipRequest request && cseq.Method != request.Method)
        {
            throw new SipParseException($"method '{cseq.Method}' does not match the request method '{request.Method}'", HeaderNames.CSeq);
        }
        if (message.Header(HeaderNames.MaxForwards) is { } maxForwards
            && (maxForwards.Length is 0 or > 9 || !int.TryParse(maxForwards, NumberStyles.None, CultureInfo.InvariantCulture, out var hops) || hops > 255))
        {
            throw new SipParseException("must be a whole number from 0 to 255", HeaderNames.MaxForwards);
        }
        var contacts = message.HeaderCount(HeaderNames.Contact);
        if (contacts > 1)
        {
            foreach (var header in message.Headers)
            {
                if (header.Is(HeaderNames.Contact) && header.Value == "*")
                {
                    throw new SipParseException("'*' cannot be combined with other contacts", HeaderNames.Contact);
                }
            }
        }
        // Contacts (unless the wildcard), Record-Route, Route and Path, in header order as before.
        var wildcard = message.IsContactWildcard;
        foreach (var header in message.Headers)
        {
            if (header.Is(HeaderNames.Contact) && !wildcard)
            {
                NameAddress.Parse(header.Value, HeaderNames.Contact);
            }
        }
        foreach (var header in message.Headers)
        {
            if (header.Is(HeaderNames.RecordRoute))
            {
                NameAddress.Parse(header.Value, HeaderNames.RecordRoute);
            }
        }
        foreach (var header in message.Headers)
        {
            if (header.Is(HeaderNames.Route) || header.Is(HeaderNames.Path))
            {
                NameAddress.Parse(header.Value, header.Is(HeaderNames.Route) ? HeaderNames.Route : HeaderNames.Path);
            }
        }
        if (message.Header(HeaderNames.Expires) is { } expires && expires.AsSpan().ContainsAnyExcept(Digits))
        {
            throw new SipParseException("must be a whole number of seconds", HeaderNames.Expires);
        }
    }

    private static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create("0123456789");

    private static SipRequest ParseRequestLine(string line)
    {
        // Cut in place: strings for the URI's text and an unknown method only (issue 19).
        var span = line.AsSpan();
        Span<Range> parts = stackalloc Range[4];
        var count = span.Split(parts, ' ');
        if (count != 3 || span[parts[0]].IsEmpty || span[parts[1]].IsEmpty || span[parts[2]].IsEmpty)
        {
            throw new SipParseException("Request-Line must be 'METHOD SP Request-URI SP SIP/2.0' with single spaces");
        }
        var method = span[parts[0]];
        if (!HeaderText.IsToken(method))
        {
            throw new SipParseException($"method '{Printable(method.ToString())}' is not a token");
        }
        CheckVersion(span[parts[2]]);
        SipUri uri;
        try
        {
            uri = SipUri.Parse(line[parts[1]], "Request-URI");
        }
        catch (SipParseException e)
        {
            throw new SipParseException(e.Reason, "Request-URI");
        }
        return new SipRequest { Method = SipMethods.Canonical(method), Uri = uri };
    }

    private static SipResponse ParseStatusLine(string line)
    {
        var first = line.IndexOf(' ');
        if (first < 0)
        {
            throw new SipParseException("Status-Line must be 'SIP/2.0 SP code SP reason'");
        }
        CheckVersion(line.AsSpan(0, first));
        var rest = line[(first + 1)..];
        var second = rest.IndexOf(' ');
        var codeText = second >= 0 ? rest[..second] : rest;
        if (codeText.Length != 3 || !int.TryParse(codeText, NumberStyles.None, CultureInfo.InvariantCulture, out var code) || code is < 100 or > 699)
        {
            throw new SipParseException("status code must be three digits from 100 to 699");
        }
        return new SipResponse { StatusCode = code, ReasonPhrase = second >= 0 ? rest[(second + 1)..] : "" };
    }

    private static void CheckVersion(ReadOnlySpan<char> version)
    {
        if (!version.Equals("SIP/2.0", StringComparison.OrdinalIgnoreCase))
        {
            throw new SipParseException($"SIP version '{Printable(version.ToString())}' is not supported", null, 505);
        }
    }

    /// <summary>One logical header line: a slice of the head's text, or a string of its own when it was folded.</summary>
    private readonly record struct Line(string Text, int Start, int Length)
    {
        public ReadOnlySpan<char> Span => Text.AsSpan(Start, Length);

        public override string ToString() => Text.Substring(Start, Length);
    }

    private static List<Line> Unfold(string head, SipLimits limits)
    {
        var lines = new List<Line>(16);
        var currentStart = -1;
        var currentLength = 0;
        StringBuilder? folded = null;
        var position = 0;
        while (true)
        {
            var newline = head.IndexOf('\n', position);
            var end = newline < 0 ? head.Length : newline;
            var length = end - position;
            if (length > 0 && head[end - 1] == '\r')
            {
                length--;
            }
            var line = head.AsSpan(position, length);
            if (currentStart >= 0 && lines.Count > 0 && line.Length > 0 && line[0] is ' ' or '\t')
            {
                // A continuation line (never of the start line): RFC 3261 §7.3.1 makes a fold equal to one space.
                folded ??= new StringBuilder().Append(head, currentStart, currentLength);
                folded.Append(' ').Append(line.TrimStart(" \t"));
                currentLength = folded.Length;
            }
            else
            {
                if (currentStart >= 0)
                {
                    lines.Add(folded is null ? new Line(head, currentStart, currentLength) : new Line(folded.ToString(), 0, folded.Length));
                }
                currentStart = position;
                currentLength = length;
                folded = null;
                if (lines.Count > limits.MaxHeaderCount)
                {
                    throw new SipParseException($"more than {limits.MaxHeaderCount} header lines");
                }
            }
            if (currentLength > limits.MaxHeaderLineLength)
            {
                throw new SipParseException($"a header line is longer than {limits.MaxHeaderLineLength} characters");
            }
            if (newline < 0)
            {
                break;
            }
            position = newline + 1;
        }
        lines.Add(folded is null ? new Line(head, currentStart, currentLength) : new Line(folded.ToString(), 0, folded.Length));
        return lines;
    }

    private static (int HeaderEnd, int BodyStart) FindHeaderEnd(ReadOnlySpan<byte> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] != '\n')
            {
                continue;
            }
            // Accept CRLF CRLF, LF LF and the mixes sloppy stacks produce.
            if (i + 1 < data.Length && data[i + 1] == '\n')
            {
                return (i, i + 2);
            }
            if (i + 2 < data.Length && data[i + 1] == '\r' && data[i + 2] == '\n')
            {
                return (i, i + 3);
            }
        }
        return (-1, -1);
    }

    private static string Printable(string text) =>
        new(text.Take(40).Select(c => c < 0x20 || c == 0x7f ? '?' : c).ToArray());
}
