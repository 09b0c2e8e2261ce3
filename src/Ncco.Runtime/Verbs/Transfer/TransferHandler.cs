using Ncco.Calls;
using Ncco.Interpreter;
using Ncco.Model.Actions;

namespace Ncco.Handlers;

/// <summary>
/// <c>transfer</c>: moves every live leg of the current conversation into the target conversation (one
/// <c>transfer</c> event per leg), applies <c>canHear</c>/<c>canSpeak</c>/<c>mute</c> to this leg, and parks this
/// leg's interpreter: the target conversation governs from now on. An unknown conversation raises an error event
/// and the NCCO continues.
/// </summary>
public sealed class TransferHandler : IActionHandler
{
    /// <inheritdoc />
    public Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var action = (TransferAction)context.Action;
        var leg = context.Leg;
        var vm = context.Vm;
        var target = vm.FindConversation(action.ConversationId);
        if (target is null || target.IsEnded)
        {
            var reason = $"/{context.Index}/conversationId: conversation '{action.ConversationId}' does not exist.";
            context.ReportError(reason);
            return Task.FromResult(ActionOutcome.Next);
        }
        // Reference §1.12: every leg of the current conversation moves, each with the action's audio controls.
        foreach (var member in leg.Conversation.Members.Where(m => !m.IsEnded).ToList())
        {
            vm.MoveToConversation(member, target);
            member.InMix = true;
            member.CanHear = action.CanHear?.ToList();
            member.CanSpeak = action.CanSpeak?.ToList();
            member.Muted = action.Mute;
        }
        target.Begin();
        return Task.FromResult(ActionOutcome.Park);
    }
}
