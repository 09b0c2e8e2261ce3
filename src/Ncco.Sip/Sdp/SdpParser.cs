using System.Globalization;
using Ncco.Sip.Parsing;

namespace Ncco.Sip.Sdp;

/// <summary>
/// Parses SDP (RFC 4566). Accepts LF or CRLF line ends and unknown line types inside media sections; insists on v=0,
/// a well-formed o=, m= and c= lines, and a connection address for every media section. Errors are
/// <see cref="SipParseException"/> with the header named "SDP" and the offending line type.
/// </summary>
public static class SdpParser
{
    private const int MaxLines = 512;

    /// <summary>Parses a session description.</summary>
    public static SessionDescription Parse(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Where(l => l.Length > 0).ToList();
        if (lines.Count == 0 || lines[0] != "v=0")
        {
            throw Error("v=", "must start with v=0");
        }
        if (lines.Count > MaxLines)
        {
            throw Error(null, $"more than {MaxLines} lines");
        }
        SdpOrigin? origin = null;
        var sessionName = "-";
        SdpConnection? connection = null;
        var timing = "0 0";
        var attributes = new List<SdpAttribute>();
        var other = new List<KeyValuePair<char, string>>();
        var media = new List<MediaDescription>();
        MediaDescription? current = null;
        var currentAttributes = new List<SdpAttribute>();

        void Flush()
        {
            if (current is not null)
            {
                media.Add(current with { Attributes = currentAttributes.ToArray() });
                currentAttributes = [];
            }
        }

        foreach (var line in lines.Skip(1))
        {
            if (line.Length < 2 || line[1] != '=' || !char.IsAsciiLetterLower(line[0]))
            {
                throw Error(null, $"line '{Shorten(line)}' is not of the form x=value");
            }
            var type = line[0];
            var value = line[2..];
            switch (type)
            {
                case 'o':
                    origin = ParseOrigin(value);
                    break;
                case 's':
                    sessionName = value.Length == 0 ? " " : value;
                    break;
                case 't':
                    timing = value;
                    break;
                case 'c':
                    var parsed = ParseConnection(value);
                    if (current is null)
                    {
                        connection = parsed;
                    }
                    else
                    {
                        current = current with { Connection = parsed };
                    }
                    break;
                case 'a':
                    var colon = value.IndexOf(':');
                    var attribute = colon < 0 ? new SdpAttribute(value) : new SdpAttribute(value[..colon], value[(colon + 1)..]);
                    if (attribute.Name.Length == 0)
                    {
                        throw Error("a=", "attribute has no name");
                    }
                    if (current is null)
                    {
                        attributes.Add(attribute);
                    }
                    else
                    {
                        currentAttributes.Add(attribute);
                    }
                    break;
                case 'm':
                    Flush();
                    current = ParseMedia(value);
                    break;
                default:
                    if (current is null)
                    {
                        other.Add(new(type, value));
                    }
                    break;
            }
        }
        Flush();
        if (origin is null)
        {
            throw Error("o=", "origin line is missing");
        }
        foreach (var m in media)
        {
            if (m.Connection is null && connection is null && m.Port != 0)
            {
                throw Error("c=", $"media '{m.Media}' has no connection address");
            }
        }
        return new SessionDescription
        {
            Origin = origin,
            SessionName = sessionName,
            Connection = connection,
            Timing = timing,
            Attributes = attributes,
            OtherLines = other,
            Media = media,
        };
    }

    private static SdpOrigin ParseOrigin(string value)
    {
        var parts = value.Split(' ');
        if (parts.Length != 6 || parts[3] != "IN"
            || !ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw Error("o=", "must be 'username sess-id sess-version IN addrtype address' with numeric id and version");
        }
        return new SdpOrigin(parts[0], id, version, parts[4], parts[5]);
    }

    private static SdpConnection ParseConnection(string value)
    {
        var parts = value.Split(' ');
        if (parts.Length != 3 || parts[0] != "IN" || parts[1] is not ("IP4" or "IP6") || parts[2].Length == 0)
        {
            throw Error("c=", "must be 'IN IP4|IP6 address'");
        }
        return new SdpConnection(parts[1], parts[2]);
    }

    private static MediaDescription ParseMedia(string value)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3)
        {
            throw Error("m=", "must be 'media port proto fmt...'");
        }
        var portText = parts[1].Split('/')[0];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw Error("m=", "port is not a number from 0 to 65535");
        }
        return new MediaDescription { Media = parts[0], Port = port, Protocol = parts[2], Formats = parts[3..] };
    }

    private static SipParseException Error(string? line, string reason) =>
        new(line is null ? reason : $"{line} {reason}", "SDP", 400);

    private static string Shorten(string text) =>
        new(text.Take(40).Select(c => c < 0x20 || c == 0x7f ? '?' : c).ToArray());
}
