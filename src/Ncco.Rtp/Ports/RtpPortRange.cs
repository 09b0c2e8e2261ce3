namespace Ncco.Rtp.Ports;

/// <summary>The UDP ports RTP may use; RTP takes even ports and RTCP the odd port above.</summary>
/// <param name="First">Lowest port (rounded up to even).</param>
/// <param name="Last">Highest port (inclusive; the last pair must fit).</param>
public sealed record RtpPortRange(int First, int Last)
{
    /// <summary>A common default (Asterisk uses 10000–20000).</summary>
    public static RtpPortRange Default { get; } = new(10000, 20000);

    /// <summary>Number of RTP/RTCP pairs in the range.</summary>
    public int PairCount => Math.Max(0, ((Last - EvenFirst + 1) / 2));

    /// <summary>The first even port.</summary>
    public int EvenFirst => (First + 1) & ~1;

    /// <summary>Throws when the range is not usable.</summary>
    public void Validate()
    {
        if (First is < 1024 or > 65534 || Last is < 1025 or > 65535 || PairCount < 1)
        {
            throw new ArgumentException($"RTP port range {First}-{Last} must lie within 1024-65535 and hold at least one even/odd pair");
        }
    }
}
