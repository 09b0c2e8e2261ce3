using System.Collections.Concurrent;
using Ncco.Host.Legs;
using Ncco.Legs;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.Legs;

/// <summary>
/// A leg transport of a user's own, registered through the public seam: every leg answers when dialled, finishes each
/// playback at once and remembers what it was asked to play.
/// </summary>
public sealed class RecordingTransport : ILegTransportFactory
{
    public ConcurrentQueue<(OutboundLegRequest Request, LegTransportContext Context, AnsweringLeg Leg)> Created { get; } = new();

    public ILegTransport CreateTransport(OutboundLegRequest request, LegTransportContext context)
    {
        var leg = new AnsweringLeg();
        Created.Enqueue((request, context, leg));
        return leg;
    }
}
