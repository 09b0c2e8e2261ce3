using System.Globalization;

namespace Ncco.Rtp.Codecs;

/// <summary>
/// The Opus format parameters (RFC 7587 §6.1) a peer put in its <c>a=fmtp</c>: what it wants to receive, which our
/// encoder follows. Unknown parameters are ignored and a malformed value counts as absent (the RFC's default), so a
/// sloppy or hostile fmtp costs quality at worst, never the call.
/// </summary>
/// <param name="MaxPlaybackRate">The highest sample rate the peer plays (8000–48000; default 48000).</param>
/// <param name="MaxAverageBitrate">The highest average bitrate it wants (6000–510000 bit/s), or null.</param>
/// <param name="UseInbandFec">Whether it can use in-band forward error correction (so we send it).</param>
/// <param name="ConstantBitrate">Whether it asks for constant bitrate (<c>cbr=1</c>).</param>
/// <param name="Stereo">Whether it prefers stereo (<c>stereo=1</c>); we send mono all the same, which every decoder plays.</param>
public sealed record OpusParameters(int MaxPlaybackRate, int? MaxAverageBitrate, bool UseInbandFec, bool ConstantBitrate, bool Stereo)
{
    /// <summary>What RFC 7587 says when a parameter is absent.</summary>
    public static OpusParameters Default { get; } = new(48000, null, false, false, false);

    /// <summary>
    /// Our target bitrate: 24 kbit/s is transparent for wideband speech with room for FEC; a peer's
    /// <c>maxaveragebitrate</c> lowers it.
    /// </summary>
    public const int OurBitrate = 24000;

    /// <summary>
    /// Encoder complexity (0–10). 5 costs about half of 10 for a quality loss hard to hear in speech: the host encodes
    /// one stream per call. Measured in bench/Ncco.Rtp.Benchmarks (OpusCodecBenchmarks).
    /// </summary>
    public const int Complexity = 5;

    /// <summary>Largest packet we produce (RFC 6716 recommends room for 1275 bytes; 20 ms of 24 kbit/s is about 60).</summary>
    public const int MaxPacketBytes = 1275;

    /// <summary>
    /// What we ask for in our own <c>a=fmtp</c>: 16 kHz audio (we play and capture wideband, so a peer need not spend
    /// bits above 8 kHz), mono, and forward error correction, which we use to rebuild lost packets.
    /// </summary>
    public const string OurFmtp = "maxplaybackrate=16000; sprop-maxcapturerate=16000; stereo=0; sprop-stereo=0; useinbandfec=1";

    /// <summary>Reads an fmtp value (without the payload type), such as <c>useinbandfec=1; maxplaybackrate=16000</c>.</summary>
    public static OpusParameters Parse(string? fmtp)
    {
        var result = Default;
        if (string.IsNullOrWhiteSpace(fmtp))
        {
            return result;
        }
        // Bounded: an fmtp line is already bounded by the SIP message size; a few dozen parameters at most are read.
        foreach (var part in fmtp.Split(';', 64, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }
            var name = part[..equals].Trim().ToLowerInvariant();
            var value = part[(equals + 1)..].Trim();
            var number = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : (int?)null;
            result = name switch
            {
                "maxplaybackrate" when number is >= 8000 and <= 48000 => result with { MaxPlaybackRate = number.Value },
                "maxaveragebitrate" when number is >= 6000 and <= 510000 => result with { MaxAverageBitrate = number },
                "useinbandfec" when number is 0 or 1 => result with { UseInbandFec = number == 1 },
                "cbr" when number is 0 or 1 => result with { ConstantBitrate = number == 1 },
                "stereo" when number is 0 or 1 => result with { Stereo = number == 1 },
                _ => result,
            };
        }
        return result;
    }
}
