using System.Globalization;
using System.Text;

namespace Ncco.Sip.Sdp;

/// <summary>An SDP session description (RFC 4566).</summary>
public sealed record SessionDescription
{
    /// <summary>The o= line.</summary>
    public required SdpOrigin Origin { get; init; }

    /// <summary>The s= line (a single space or '-' when there is nothing to say).</summary>
    public string SessionName { get; init; } = "-";

    /// <summary>Session-level c= line.</summary>
    public SdpConnection? Connection { get; init; }

    /// <summary>The t= line, kept as written ("0 0" for unbounded sessions).</summary>
    public string Timing { get; init; } = "0 0";

    /// <summary>Session-level attributes.</summary>
    public IReadOnlyList<SdpAttribute> Attributes { get; init; } = [];

    /// <summary>Other session-level lines (i=, u=, e=, p=, b=, z=, k=, r=) kept so they can be written back, as (type, value).</summary>
    public IReadOnlyList<KeyValuePair<char, string>> OtherLines { get; init; } = [];

    /// <summary>Media sections in order.</summary>
    public IReadOnlyList<MediaDescription> Media { get; init; } = [];

    /// <summary>The session-level direction attribute, or null.</summary>
    public MediaDirection? Direction =>
        Attributes.Select(a => a.Value is null ? MediaDirections.FromAttribute(a.Name) : null).FirstOrDefault(d => d is not null);

    /// <summary>The effective direction of a media section: its own, else the session's, else sendrecv.</summary>
    public MediaDirection DirectionOf(MediaDescription media) => media.Direction ?? Direction ?? MediaDirection.SendRecv;

    /// <summary>The effective connection of a media section.</summary>
    public SdpConnection? ConnectionOf(MediaDescription media) => media.Connection ?? Connection;

    /// <summary>Writes the description with CRLF line ends, in the order RFC 4566 §5 requires.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        builder.Append("v=0\r\n");
        builder.Append("o=").Append(Origin).Append("\r\n");
        builder.Append("s=").Append(SessionName).Append("\r\n");
        foreach (var line in OtherLines.Where(l => l.Key is 'i' or 'u' or 'e' or 'p'))
        {
            builder.Append(line.Key).Append('=').Append(line.Value).Append("\r\n");
        }
        if (Connection is not null)
        {
            builder.Append("c=").Append(Connection).Append("\r\n");
        }
        foreach (var line in OtherLines.Where(l => l.Key == 'b'))
        {
            builder.Append("b=").Append(line.Value).Append("\r\n");
        }
        builder.Append("t=").Append(Timing).Append("\r\n");
        foreach (var line in OtherLines.Where(l => l.Key is 'r' or 'z' or 'k'))
        {
            builder.Append(line.Key).Append('=').Append(line.Value).Append("\r\n");
        }
        foreach (var attribute in Attributes)
        {
            builder.Append("a=").Append(attribute).Append("\r\n");
        }
        foreach (var media in Media)
        {
            builder.Append("m=").Append(media.Media).Append(' ').Append(media.Port.ToString(CultureInfo.InvariantCulture))
                .Append(' ').Append(media.Protocol);
            foreach (var format in media.Formats)
            {
                builder.Append(' ').Append(format);
            }
            builder.Append("\r\n");
            if (media.Connection is not null)
            {
                builder.Append("c=").Append(media.Connection).Append("\r\n");
            }
            foreach (var attribute in media.Attributes)
            {
                builder.Append("a=").Append(attribute).Append("\r\n");
            }
        }
        return builder.ToString();
    }
}
