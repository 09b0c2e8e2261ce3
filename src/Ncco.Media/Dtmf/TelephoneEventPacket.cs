namespace Ncco.Media.Dtmf;

/// <summary>One RTP packet to send for a key press (see <see cref="TelephoneEventSender"/>).</summary>
/// <param name="Payload">The telephone-event payload.</param>
/// <param name="Timestamp">RTP timestamp: the same for every packet of one event (its start).</param>
/// <param name="Marker">RTP marker bit: set on the first packet of the event.</param>
/// <param name="SendOffset">When to send, relative to the start of the key press.</param>
public readonly record struct TelephoneEventPacket(TelephoneEvent Payload, uint Timestamp, bool Marker, TimeSpan SendOffset);
