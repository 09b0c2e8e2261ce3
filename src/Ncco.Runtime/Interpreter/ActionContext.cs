using Ncco.Calls;
using Ncco.Events;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Scheduling;
using Ncco.Webhooks;

namespace Ncco.Interpreter;

/// <summary>Everything a handler needs to run one action on one leg.</summary>
public sealed class ActionContext
{
    internal ActionContext(LegInterpreter interpreter, NccoDocument document, int index)
    {
        Interpreter = interpreter;
        Document = document;
        Index = index;
    }

    internal LegInterpreter Interpreter { get; }

    /// <summary>The NCCO being run.</summary>
    public NccoDocument Document { get; }

    /// <summary>Index of the action in <see cref="Document"/>.</summary>
    public int Index { get; }

    /// <summary>The action.</summary>
    public NccoAction Action => Document.Actions[Index];

    /// <summary>The leg it runs on.</summary>
    public CallLeg Leg => Interpreter.Leg;

    /// <summary>The VM.</summary>
    public NccoVm Vm => Leg.Vm;

    /// <summary>The VM's scheduler (time and timers).</summary>
    public VmScheduler Scheduler => Vm.Scheduler;

    /// <summary>Current time.</summary>
    public DateTimeOffset Now => Scheduler.UtcNow;

    /// <summary>Current time as a wire timestamp.</summary>
    public string Timestamp => PayloadJson.Timestamp(Scheduler.UtcNow);

    /// <summary>
    /// The sticky barge-in rule (reference §1.9): once a talk/stream had <c>bargeIn:true</c>, later talk/stream are
    /// barge-in too until an <c>input</c> is reached.
    /// </summary>
    public bool BargeInSticky
    {
        get => Interpreter.BargeInSticky;
        set => Interpreter.BargeInSticky = value;
    }

    /// <summary>The event target for an action's <c>eventUrl</c>/<c>eventMethod</c> (falls back to the leg's/app's).</summary>
    public WebhookTarget? Target(Uri? eventUrl, WebhookMethod method) => Leg.ResolveTarget(eventUrl, method);

    /// <summary>Writes a line to the call log.</summary>
    public void Log(string message, VmActivity activity = VmActivity.Info) => Vm.Observer.OnActivity(Now, Leg.Id, activity, message);

    /// <summary>
    /// Reports a problem with this action: logged as an error and posted as an <c>error</c> event to the leg's event
    /// webhook. The handler decides what follows (usually <see cref="ActionOutcome.Next"/>).
    /// </summary>
    /// <param name="reason">What went wrong, starting with the action's JSON pointer (<c>/2/endpoint: …</c>).</param>
    public void ReportError(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        Log(reason, VmActivity.Error);
        _ = Leg.SendEventAsync(Vm.ErrorEvent(Leg, reason));
    }

    /// <summary>Maps an NCCO-returning webhook result to an outcome: replacement, or carry on.</summary>
    public ActionOutcome OutcomeOf(NccoFetchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Ncco is { } ncco) return ActionOutcome.Replace(ncco);
        if (result.Failed)
        {
            Log("no NCCO obtained, continuing: " + result.Reason, VmActivity.Error);
            if (result.IsBadAnswer) _ = Leg.SendEventAsync(Vm.ErrorEvent(Leg, result.EventReason ?? result.Reason!));
        }
        return ActionOutcome.Next;
    }
}
