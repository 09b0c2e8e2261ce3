using Ncco.Calls;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Verbs;

namespace Ncco.Interpreter;

/// <summary>
/// Runs an NCCO on one leg, action by action, on the VM thread. Replacement NCCOs restart at their first action;
/// exhausting the NCCO ends the run (the VM then hangs the leg up).
/// </summary>
public sealed class LegInterpreter
{
    private readonly HandlerRegistry _handlers;

    internal LegInterpreter(CallLeg leg, HandlerRegistry handlers)
    {
        Leg = leg;
        _handlers = handlers;
    }

    /// <summary>The leg.</summary>
    public CallLeg Leg { get; }

    /// <summary>See <see cref="ActionContext.BargeInSticky"/>.</summary>
    public bool BargeInSticky { get; internal set; }

    /// <summary>The action currently running, if any.</summary>
    public NccoAction? Current { get; private set; }

    internal async Task<InterpreterExit> RunAsync(NccoDocument ncco, CancellationToken cancellationToken)
    {
        var document = ncco;
        var index = 0;
        while (true)
        {
            if (cancellationToken.IsCancellationRequested) return InterpreterExit.Cancelled;
            // A hang-up can finish the running action (a talk stops, an input returns) before the leg's lifetime is
            // cancelled: the leg is already ending then, and the next action must neither run nor appear on the timeline.
            if (Leg.IsEnding || Leg.IsEnded)
            {
                Current = null;
                return InterpreterExit.Cancelled;
            }
            if (index >= document.Actions.Count)
            {
                Current = null;
                return InterpreterExit.Exhausted;
            }
            var action = document.Actions[index];
            Current = action;
            var vm = Leg.Vm;
            vm.Observer.OnActivity(vm.Scheduler.UtcNow, Leg.Id, VmActivity.Action, Summarize(action));
            var handler = _handlers.Find(action.Name);
            if (handler is null)
            {
                var reason = $"/{index}/action: no handler for action '{action.Name}'.";
                vm.Observer.OnActivity(vm.Scheduler.UtcNow, Leg.Id, VmActivity.Error, reason);
                _ = Leg.SendEventAsync(vm.ErrorEvent(Leg, reason));
                index++;
                continue;
            }
            ActionOutcome outcome;
            var previousSpan = System.Diagnostics.Activity.Current;
            var span = Diagnostics.NccoTracing.StartAction(Leg, action, index);
            try
            {
                outcome = await handler.ExecuteAsync(new ActionContext(this, document, index), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Diagnostics.NccoTracing.EndAction(Leg, span, previousSpan, "cancelled");
                return InterpreterExit.Cancelled;
            }
            catch (Exception e)
            {
                span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
                Diagnostics.NccoTracing.EndAction(Leg, span, previousSpan, "failed");
                throw;
            }
            Diagnostics.NccoTracing.EndAction(Leg, span, previousSpan,
                cancellationToken.IsCancellationRequested ? "cancelled" : outcome.Kind.ToString().ToLowerInvariant());
            if (cancellationToken.IsCancellationRequested) return InterpreterExit.Cancelled;
            switch (outcome.Kind)
            {
                case ActionOutcomeKind.Replace:
                    document = outcome.Replacement!;
                    index = 0;
                    vm.Observer.OnActivity(vm.Scheduler.UtcNow, Leg.Id, VmActivity.Info, $"NCCO replaced ({document.Actions.Count} actions)");
                    break;
                case ActionOutcomeKind.Park:
                    Current = null;
                    return InterpreterExit.Parked;
                default:
                    index++;
                    break;
            }
        }
    }

    private static string Summarize(NccoAction action) => NccoVerbs.Find(action)?.Describe(action) ?? action.Name;
}
