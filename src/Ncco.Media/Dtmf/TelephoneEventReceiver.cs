namespace Ncco.Media.Dtmf;

/// <summary>
/// Turns received RFC 4733 packets into one report per key press: the key is reported when the first packet of a
/// new event (new RTP timestamp) arrives, and its final duration when the first E-bit packet arrives; retransmitted
/// end packets and reordered updates are ignored. Not thread-safe (one per RTP stream).
/// </summary>
public sealed class TelephoneEventReceiver
{
    private uint? _timestamp;
    private bool _ended;

    /// <summary>Feeds one packet. Returns a start report for a new event, an end report with duration, or null.</summary>
    /// <param name="payload">Decoded payload.</param>
    /// <param name="timestamp">The packet's RTP timestamp.</param>
    /// <param name="clockRate">telephone-event clock rate.</param>
    public DtmfDetection? Receive(TelephoneEvent payload, uint timestamp, int clockRate = 8000)
    {
        if (payload.Digit is not { } digit)
        {
            return null;
        }
        if (_timestamp != timestamp)
        {
            var isNewer = _timestamp is null || (int)(timestamp - _timestamp.Value) > 0;
            if (!isNewer)
            {
                return null; // late packet of an older event
            }
            _timestamp = timestamp;
            _ended = payload.End;
            return payload.End
                ? new DtmfDetection(digit, true, timestamp, payload.Duration * 1000 / clockRate)
                : new DtmfDetection(digit, false, timestamp, 0);
        }
        if (payload.End && !_ended)
        {
            _ended = true;
            return new DtmfDetection(digit, true, timestamp, payload.Duration * 1000 / clockRate);
        }
        return null;
    }
}
