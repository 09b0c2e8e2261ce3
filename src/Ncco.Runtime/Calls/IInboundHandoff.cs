using Ncco.Model;

namespace Ncco.Calls;

/// <summary>
/// Lets a host hand an inbound call to another runtime before it is answered (a cluster sending the caller to the node
/// that hosts the call's named conversation). Asked once per inbound call, after its answer NCCO was fetched and before
/// the call is answered; without one (<see cref="NccoVmOptions.InboundHandoff"/> null, the default) every call is
/// answered here.
/// </summary>
/// <remarks>
/// When a plan is returned the VM calls <see cref="InboundHandoffPlan.SendAway"/> on its thread and, in the same turn,
/// ends the leg here <b>quietly</b> — no further event, no final status, the leg is released as
/// <see cref="NccoVm.LegHandedOff"/>. A call that could not be sent (the caller left) ends as hung up before answer.
/// The runtime that receives the call continues it under the same uuid with
/// <see cref="NccoVm.ContinueHandedOffAsync"/>, so the application sees one call: <c>started</c>, <c>ringing</c> and the
/// answer webhook from here, <c>answered</c> and the rest from there.
/// </remarks>
public interface IInboundHandoff
{
    /// <summary>
    /// A plan to send <paramref name="request"/>'s call elsewhere, or null to answer it here. Called off the transport's
    /// threads; may do I/O (the plan must be ready to send when returned).
    /// </summary>
    Task<InboundHandoffPlan?> PlanAsync(InboundHandoffRequest request, CancellationToken cancellationToken);
}

/// <summary>An inbound call whose answer NCCO is known, not yet answered.</summary>
/// <param name="LegId">The leg's uuid.</param>
/// <param name="ConversationId">The conversation uuid it reported so far (its <c>started</c>/<c>ringing</c> events).</param>
/// <param name="Transport">The leg's transport (the host's own type, which knows how to send the call away).</param>
/// <param name="Call">The call as it arrived.</param>
/// <param name="Ncco">The answer NCCO.</param>
public sealed record InboundHandoffRequest(string LegId, string ConversationId, Legs.ILegTransport Transport, InboundCall Call, NccoDocument Ncco);

/// <summary>How an inbound call leaves for another runtime.</summary>
/// <param name="SendAway">Sends the call away (a SIP 302); run on the VM thread, which then ends the leg here quietly. False
/// when it could not be sent (the caller hung up meanwhile).</param>
public sealed record InboundHandoffPlan(Func<bool> SendAway);
