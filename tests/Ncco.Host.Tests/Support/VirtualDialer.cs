using System.Collections.Concurrent;
using Ncco.Calls;
using Ncco.Host.Applications;
using Ncco.Host.Calls;
using Ncco.Legs;
using Ncco.Model.Endpoints;
using Ncco.Scheduling;
using Ncco.Testing;

namespace Ncco.Host.Tests.Support;

/// <summary>
/// Outbound legs for REST tests without media: virtual parties that answer at once, except phone numbers starting
/// with <c>1555486</c> (busy) and <c>1555408</c> (never answer, so the ringing timer fires).
/// </summary>
public sealed class VirtualDialer : IVmCustomizer
{
    public ConcurrentDictionary<string, VirtualLeg> Legs { get; } = new();

    public NccoVmOptions Customize(NccoVmOptions options, Application application) =>
        options with { Dialer = new Dialer(this, options.Scheduler!) };

    private sealed class Dialer(VirtualDialer owner, VmScheduler scheduler) : ILegDialer
    {
        public ILegTransport CreateTransport(OutboundLegRequest request)
        {
            var leg = new VirtualLeg(scheduler, NccoVm.Destination(request.Endpoint));
            owner.Legs[request.LegId] = leg;
            var destination = request.Endpoint is PhoneEndpoint p ? p.Number : "";
            var done = false;
            leg.Changed += l =>
            {
                if (done || !l.Dialled) return;
                done = true;
                if (destination.StartsWith("1555486", StringComparison.Ordinal)) l.RespondBusy();
                else if (!destination.StartsWith("1555408", StringComparison.Ordinal)) l.AnswerCall();
            };
            return leg;
        }
    }
}
