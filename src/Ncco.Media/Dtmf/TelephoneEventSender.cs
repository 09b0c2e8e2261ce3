namespace Ncco.Media.Dtmf;

/// <summary>
/// Builds the RFC 4733 packet sequence for one key: a first packet with the marker bit, an update every packetisation
/// interval (20 ms) with the growing duration, and the final packet with the E bit sent three times (§2.5.1.4).
/// </summary>
public static class TelephoneEventSender
{
    /// <summary>Packets for a key of <paramref name="duration"/> starting at RTP timestamp <paramref name="timestamp"/>.</summary>
    /// <param name="digit">Key.</param>
    /// <param name="duration">Tone duration (e.g. 100 ms).</param>
    /// <param name="timestamp">RTP timestamp of the event start.</param>
    /// <param name="clockRate">telephone-event clock rate (8000 normally).</param>
    /// <param name="volume">0–63 (−dBm0).</param>
    public static IReadOnlyList<TelephoneEventPacket> Packets(char digit, TimeSpan duration, uint timestamp, int clockRate = 8000, byte volume = 10)
    {
        if (duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "duration must be positive");
        }
        var code = DtmfDigits.ToEventCode(digit);
        var total = (int)Math.Min(ushort.MaxValue, duration.TotalSeconds * clockRate);
        var step = clockRate / 50; // 20 ms
        var list = new List<TelephoneEventPacket>();
        var elapsed = step;
        var first = true;
        while (elapsed < total)
        {
            list.Add(new(new TelephoneEvent(code, false, volume, (ushort)elapsed), timestamp, first, TimeSpan.FromSeconds((double)(elapsed - step) / clockRate)));
            first = false;
            elapsed += step;
        }
        var endAt = TimeSpan.FromSeconds((double)Math.Max(0, total - step) / clockRate);
        for (var i = 0; i < 3; i++)
        {
            list.Add(new(new TelephoneEvent(code, true, volume, (ushort)total), timestamp, first && i == 0, endAt));
        }
        return list;
    }
}
