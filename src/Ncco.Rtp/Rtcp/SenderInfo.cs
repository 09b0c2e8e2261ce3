namespace Ncco.Rtp.Rtcp;

/// <summary>The sender-information part of an SR (RFC 3550 §6.4.1).</summary>
/// <param name="NtpTimestamp">64-bit NTP wall-clock time (seconds since 1900 in the high word, fraction in the low).</param>
/// <param name="RtpTimestamp">The same instant in the media clock.</param>
/// <param name="PacketCount">RTP packets sent since the start.</param>
/// <param name="OctetCount">Payload octets sent since the start.</param>
public readonly record struct SenderInfo(ulong NtpTimestamp, uint RtpTimestamp, uint PacketCount, uint OctetCount)
{
    /// <summary>The middle 32 bits of the NTP timestamp, as echoed in LSR.</summary>
    public uint CompactNtp => (uint)(NtpTimestamp >> 16);

    /// <summary>Converts a wall-clock time to the 64-bit NTP format.</summary>
    public static ulong ToNtp(DateTimeOffset time)
    {
        var sinceEpoch = time.UtcDateTime - new DateTime(1900, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var seconds = (ulong)(sinceEpoch.Ticks / TimeSpan.TicksPerSecond);
        var fraction = (ulong)((sinceEpoch.Ticks % TimeSpan.TicksPerSecond) * 4294967296.0 / TimeSpan.TicksPerSecond);
        return (seconds << 32) | fraction;
    }
}
