using System.Collections.Concurrent;
using Ncco.Host.Legs;
using Ncco.Legs;
using Ncco.Tests.Shared;

namespace Ncco.Host.Postgres.Tests.Support;

/// <summary>A <c>phone</c> transport whose every leg answers at once and remembers what it was played.</summary>
public sealed class AnsweringPhones : ILegTransportFactory
{
    public ConcurrentQueue<AnsweringLeg> Legs { get; } = new();

    public ILegTransport CreateTransport(OutboundLegRequest request, LegTransportContext context)
    {
        var leg = new AnsweringLeg();
        Legs.Enqueue(leg);
        return leg;
    }
}
