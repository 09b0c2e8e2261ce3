using Ncco.Host.Observability;

namespace Ncco.Host.Legs.Sip;

/// <summary>
/// Times one inbound SIP call from the INVITE's receipt by the SIP stack to its 200, phase by phase, into
/// <c>ncco.sip.setup.duration</c>: <c>accept</c> (the stack's hand-off to the gateway, on its receive thread), <c>dispatch</c>
/// (waiting for a thread-pool thread to route it), <c>route</c> (admission, number and application look-ups, the offer
/// check, the 180), <c>vm</c> (waiting for the application's VM to take the call), <c>webhook</c> (the answer webhook
/// and the VM's turn that reads its NCCO), <c>answer</c> (ports, SDP and sending the 200) and <c>total</c>. Calls that
/// end before their 200 record only the phases they passed. Each mark happens after the previous one (the call is
/// handed from one step to the next), so no lock.
/// </summary>
internal sealed class SetupClock(TimeProvider time, NccoMetrics metrics, long received)
{
    private readonly long _received = received;
    private long _last = received;

    /// <summary>The phase that ends now took the time since the previous mark.</summary>
    public void Mark(string phase)
    {
        var now = time.GetTimestamp();
        metrics.SetupPhase(phase, time.GetElapsedTime(_last, now));
        _last = now;
    }

    /// <summary>The 200 is sent: the <c>answer</c> phase and the whole setup end.</summary>
    public void Answered()
    {
        Mark("answer");
        metrics.SetupPhase("total", time.GetElapsedTime(_received, _last));
    }
}
