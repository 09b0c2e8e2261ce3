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
        var prefix = payloadType.ToString(CultureInfo.InvariantCulture) + " ";
        return Attributes.FirstOrDefault(a => a.Name == "fmtp" && a.Value?.StartsWith(prefix, StringComparison.Ordinal) == true)?.Value?[prefix.Length..].Trim();
    }

    /// <summary>The codecs offered, in the order of the m= line: rtpmap (and fmtp) where given, the static table otherwise.</summary>
    public IReadOnlyList<SdpCodec> Codecs
    {
        get
        {
            var codecs = new List<SdpCodec>();
            foreach (var format in Formats)
            {
                if (!int.TryParse(format, NumberStyles.None, CultureInfo.InvariantCulture, out var pt) || pt > 127)
                {
                    continue;
                }
                var map = Attributes.FirstOrDefault(a => a.Name == "rtpmap" && a.Value?.StartsWith(format + " ", StringComparison.Ordinal) == true);
                if (map?.Value is { } value)
                {
                    var encoding = value[(format.Length + 1)..].Trim().Split('/');
                    if (encoding.Length >= 2 && int.TryParse(encoding[1], NumberStyles.None, CultureInfo.InvariantCulture, out var rate))
                    {
                        var channels = encoding.Length >= 3 && int.TryParse(encoding[2], NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c is >= 1 and <= 255 ? c : 1;
                        codecs.Add(new SdpCodec(pt, encoding[0], rate) { Channels = channels, Fmtp = Fmtp(pt) });
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
}
