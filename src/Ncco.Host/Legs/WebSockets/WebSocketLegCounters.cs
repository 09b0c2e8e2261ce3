namespace Ncco.Host.Legs.WebSockets;

/// <summary>What a WebSocket leg counted over its life, for the end of its media span (<see cref="WebSocketTracing"/>).</summary>
internal readonly record struct WebSocketLegCounters(long FramesSent, long FramesReceived, long FramesDropped, long FramesOverflowed, long FramesLate, long DigitsSent);
