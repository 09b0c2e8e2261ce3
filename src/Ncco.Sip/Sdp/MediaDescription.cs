using System.Globalization;

namespace Ncco.Sip.Sdp;

/// <summary>One <c>m=</c> section with its own connection and attributes.</summary>
public sealed record MediaDescription
{
    /// <summary>Media type: audio, video…</summary>
    public required string Media { get; init; }

    /// <summary>Transport port; 0 means the stream is rejected or disabled.</summary>
    public required int Port { get; init; }

    /// <summary>Protocol, e.g. RTP/AVP.</summary>
    public required string Protocol { get; init; }

    /// <summary>Format list (payload type numbers for RTP).</summary>
    public IReadOnlyList<string> Formats { get; init; } = [];

    /// <summary>Media-level c= line, or null to use the session one.</summary>
    public SdpConnection? Connection { get; init; }

    /// <summary>Attributes in order.</summary>
    public IReadOnlyList<SdpAttribute> Attributes { get; init; } = [];

    /// <summary>The direction attribute, or null when absent (then the session-level one, else sendrecv, applies).</summary>
    public MediaDirection? Direction =>
        Attributes.Select(a => a.Value is null ? MediaDirections.FromAttribute(a.Name) : null).FirstOrDefault(d => d is not null);

    /// <summary>a=ptime in milliseconds, or null.</summary>
    public int? Ptime =>
        Attributes.FirstOrDefault(a => a.Name == "ptime") is { Value: { } v } && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? ms : null;

    /// <summary>The value of a=fmtp for a payload type, or null.</summary>
    public string? Fmtp(int payloadType)
    {
        foreach (var a in Attributes)
        {
            if (a.Name == "fmtp" && a.Value is { } value && StartsWithFormat(value, payloadType, out var length))
            {
                return value.AsSpan(length).Trim().ToString();
            }
        }
        return null;
    }

    /// <summary>Whether <paramref name="value"/> starts with <paramref name="payloadType"/> and a space; the length of both.</summary>
    private static bool StartsWithFormat(string value, int payloadType, out int length)
    {
        Span<char> digits = stackalloc char[11];
        payloadType.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
        length = written + 1;
        return value.Length >= length && value.AsSpan(0, written).SequenceEqual(digits[..written]) && value[written] == ' ';
    }

    /// <summary>The codecs offered, in the order of the m= line: rtpmap (and fmtp) where given, the static table otherwise.</summary>
    /// <remarks>Computed on each read (a record's fields take part in its equality, so nothing is cached here): read it
    /// once per negotiation. Only the codec names and fmtp values become strings; the rtpmap lines are read as spans.</remarks>
    public IReadOnlyList<SdpCodec> Codecs
    {
        get
        {
            var codecs = new List<SdpCodec>(Formats.Count);
            foreach (var format in Formats)
            {
                if (!int.TryParse(format, NumberStyles.None, CultureInfo.InvariantCulture, out var pt) || pt > 127)
                {
                    continue;
                }
                if (RtpMapOf(format) is { } value)
                {
                    // "<pt> <name>/<rate>[/<channels>]" (what follows a third '/' is ignored).
                    var encoding = value.AsSpan(format.Length + 1).Trim();
                    var slash = encoding.IndexOf('/');
                    if (slash < 0) continue;
                    var name = encoding[..slash];
                    var rest = encoding[(slash + 1)..];
                    var next = rest.IndexOf('/');
                    var rateText = next < 0 ? rest : rest[..next];
                    if (int.TryParse(rateText, NumberStyles.None, CultureInfo.InvariantCulture, out var rate))
                    {
                        var channelsText = next < 0 ? default : rest[(next + 1)..];
                        var third = channelsText.IndexOf('/');
                        if (third >= 0) channelsText = channelsText[..third];
                        var channels = next >= 0 && int.TryParse(channelsText, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c is >= 1 and <= 255 ? c : 1;
                        codecs.Add(new SdpCodec(pt, name.ToString(), rate) { Channels = channels, Fmtp = Fmtp(pt) });
                    }
                }
                else if (SdpCodec.Static(pt) is { } known)
                {
                    codecs.Add(known);
                }
            }
            return codecs;
        }
    }

    /// <summary>The first a=rtpmap value for <paramref name="format"/> (it starts with the format and a space), or null.</summary>
    private string? RtpMapOf(string format)
    {
        foreach (var a in Attributes)
        {
            if (a.Name == "rtpmap" && a.Value is { } value && value.Length > format.Length && value.StartsWith(format, StringComparison.Ordinal) && value[format.Length] == ' ')
            {
                return value;
            }
        }
        return null;
    }
}
