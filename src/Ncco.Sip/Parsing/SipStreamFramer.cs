using System.Globalization;
using System.Text;
using Ncco.Sip.Messages;

namespace Ncco.Sip.Parsing;

/// <summary>
/// Cuts a TCP/TLS byte stream into whole SIP messages using Content-Length (RFC 3261 §18.3), which is mandatory on streams.
/// Leading CRLFs between messages (keep-alives, RFC 5626) are skipped. Throws <see cref="SipParseException"/> when the stream
/// cannot be framed any more; the connection must then be closed because message boundaries are lost.
/// </summary>
public sealed class SipStreamFramer(SipLimits? limits = null)
{
    private readonly SipLimits _limits = limits ?? SipLimits.Default;
    private byte[] _buffer = new byte[4096];
    private int _count;

    /// <summary>Bytes held waiting for the rest of a message.</summary>
    public int Buffered => _count;

    /// <summary>
    /// True when the message being received has all its headers and waits only for body bytes (as of the last
    /// <see cref="TryTake"/>). Transports use it to tell a header-read deadline from a whole-message one.
    /// </summary>
    public bool HeadersComplete { get; private set; }

    /// <summary>
    /// A copy of the buffered message's header section (up to the blank line, or everything buffered when none has come),
    /// so a transport can still answer a request it could not frame (a bad Content-Length) before closing.
    /// </summary>
    public byte[] PendingHead()
    {
        var span = _buffer.AsSpan(0, _count);
        var end = span.IndexOf("\r\n\r\n"u8);
        return (end < 0 ? span : span[..(end + 4)]).ToArray();
    }

    /// <summary>Appends received bytes.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (_count + data.Length > _buffer.Length)
        {
            var size = Math.Max(_buffer.Length * 2, _count + data.Length);
            Array.Resize(ref _buffer, size);
        }
        data.CopyTo(_buffer.AsSpan(_count));
        _count += data.Length;
    }

    /// <summary>Takes the next whole message, if one has arrived.</summary>
    public bool TryTake(out byte[] message)
    {
        message = [];
        var skip = 0;
        while (skip < _count && _buffer[skip] is (byte)'\r' or (byte)'\n')
        {
            skip++;
        }
        if (skip > 0)
        {
            Consume(skip);
        }
        var span = _buffer.AsSpan(0, _count);
        var end = span.IndexOf("\r\n\r\n"u8);
        HeadersComplete = end >= 0;
        if (end < 0)
        {
            if (_count > _limits.MaxMessageBytes)
            {
                throw new SipParseException($"no end of headers within {_limits.MaxMessageBytes} bytes", null, 513);
            }
            return false;
        }
        var bodyStart = end + 4;
        var length = ReadContentLength(span[..end]);
        if (bodyStart + (long)length > _limits.MaxMessageBytes)
        {
            throw new SipParseException($"message of {bodyStart + (long)length} bytes exceeds the limit of {_limits.MaxMessageBytes}", HeaderNames.ContentLength, 513);
        }
        if (_count < bodyStart + length)
        {
            return false;
        }
        message = span[..(bodyStart + length)].ToArray();
        Consume(bodyStart + length);
        HeadersComplete = false;
        return true;
    }

    private void Consume(int n)
    {
        Buffer.BlockCopy(_buffer, n, _buffer, 0, _count - n);
        _count -= n;
    }

    private static int ReadContentLength(ReadOnlySpan<byte> head)
    {
        var text = Encoding.ASCII.GetString(head);
        int? found = null;
        foreach (var raw in text.Split("\r\n"))
        {
            var colon = raw.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }
            var name = raw[..colon].Trim();
            if (HeaderNames.Canonical(name) != HeaderNames.ContentLength)
            {
                continue;
            }
            var value = raw[(colon + 1)..].Trim();
            if (value.Length is 0 or > 10 || !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                throw new SipParseException("must be a non-negative whole number", HeaderNames.ContentLength);
            }
            if (found is { } earlier && earlier != length)
            {
                throw new SipParseException("appears more than once with different values", HeaderNames.ContentLength);
            }
            found = length;
        }
        return found ?? throw new SipParseException("is mandatory on stream transports", HeaderNames.ContentLength);
    }
}
