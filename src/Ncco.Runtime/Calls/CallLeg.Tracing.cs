using System.Diagnostics;
using Ncco.Diagnostics;

namespace Ncco.Calls;

/// <summary>The leg's span in the call's trace (<see cref="NccoTracing"/>).</summary>
public sealed partial class CallLeg
{
    /// <summary>The leg's <c>ncco.call</c> span; null when nothing listens to <see cref="NccoTracing.Source"/>.</summary>
    internal Activity? Span { get; set; }

    /// <summary>
    /// The leg's place in its trace, for transports that add spans to it (a SIP INVITE sent for the leg) or pass it on;
    /// <c>default</c> when calls are not traced.
    /// </summary>
    public ActivityContext TraceContext => Span?.Context ?? default;
}
