using System.Buffers.Binary;

namespace Ncco.Media.Dtmf;

/// <summary>
/// RFC 4733 telephone-event payload (4 bytes): event code, E(nd) bit, volume (0–63, −dBm0), duration in timestamp
/// units of the RTP clock (8000 Hz for telephone-event/8000).
/// </summary>
/// <param name="Event">Event code (0–15 are the DTMF keys, see <see cref="DtmfDigits.ToEventCode"/>).</param>
/// <param name="End">True on the final packets of an event.</param>
/// <param name="Volume">Power level, 0–63 meaning 0 to −63 dBm0.</param>
/// <param name="Duration">Duration so far, in RTP timestamp units.</param>
public readonly record struct TelephoneEvent(byte Event, bool End, byte Volume, ushort Duration)
{
    /// <summary>Payload length in bytes.</summary>
    public const int Size = 4;

    /// <summary>The DTMF key of this event, or null for non-DTMF events.</summary>
    public char? Digit => DtmfDigits.FromEventCode(Event);

    /// <summary>Writes the 4-byte payload.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Volume over 63.</exception>
    public void Encode(Span<byte> destination)
    {
        if (Volume > 63)
        {
            throw new ArgumentOutOfRangeException(nameof(Volume), Volume, "volume must be 0-63");
        }
        if (destination.Length < Size)
        {
            throw new ArgumentException("destination must hold 4 bytes", nameof(destination));
        }
        destination[0] = Event;
        destination[1] = (byte)((End ? 0x80 : 0) | Volume);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Duration);
    }

    /// <summary>Parses a payload (only the first 4 bytes are read; redundancy blocks are not handled here).</summary>
    /// <exception cref="ArgumentException">Fewer than 4 bytes.</exception>
    public static TelephoneEvent Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Size)
        {
            throw new ArgumentException($"telephone-event payload must be at least 4 bytes, got {payload.Length}", nameof(payload));
        }
        return new TelephoneEvent(payload[0], (payload[1] & 0x80) != 0, (byte)(payload[1] & 0x3F), BinaryPrimitives.ReadUInt16BigEndian(payload[2..]));
    }

    /// <summary>Creates an event for a DTMF key.</summary>
    public static TelephoneEvent ForDigit(char digit, ushort duration, bool end = false, byte volume = 10) =>
        new(DtmfDigits.ToEventCode(digit), end, volume, duration);
}
