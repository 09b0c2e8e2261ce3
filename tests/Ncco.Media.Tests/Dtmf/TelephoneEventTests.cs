using Ncco.Media.Dtmf;

namespace Ncco.Media.Tests.Dtmf;

public class TelephoneEventTests
{
    [Fact]
    public void Encodes_rfc4733_layout()
    {
        var b = new byte[4];
        new TelephoneEvent(11, true, 10, 800).Encode(b);
        Assert.Equal(new byte[] { 11, 0x8A, 0x03, 0x20 }, b);
        var e = TelephoneEvent.Decode(b);
        Assert.Equal('#', e.Digit);
        Assert.True(e.End);
        Assert.Equal(10, e.Volume);
        Assert.Equal(800, e.Duration);
        Assert.Equal('*', TelephoneEvent.ForDigit('*', 160).Digit);
        Assert.Throws<ArgumentException>(() => TelephoneEvent.Decode(new byte[3]));
    }

    [Fact]
    public void Sender_sequence_is_received_as_one_press()
    {
        var packets = TelephoneEventSender.Packets('7', TimeSpan.FromMilliseconds(100), 12345);
        Assert.True(packets[0].Marker);
        Assert.All(packets, p => Assert.Equal(12345u, p.Timestamp));
        Assert.Equal(3, packets.Count(p => p.Payload.End));
        Assert.Equal(800, packets[^1].Payload.Duration);
        var rx = new TelephoneEventReceiver();
        var reports = packets.Select(p => rx.Receive(p.Payload, p.Timestamp)).Where(r => r is not null).Select(r => r!.Value).ToList();
        Assert.Equal(2, reports.Count);
        Assert.Equal(new DtmfDetection('7', false, 12345, 0), reports[0]);
        Assert.Equal(new DtmfDetection('7', true, 12345, 100), reports[1]);
        // A second press of the same key has a new timestamp and is reported again.
        Assert.NotNull(rx.Receive(TelephoneEvent.ForDigit('7', 160), 13345));
        // A late packet from the first press is ignored.
        Assert.Null(rx.Receive(TelephoneEvent.ForDigit('7', 160, end: true), 12345));
    }
}
