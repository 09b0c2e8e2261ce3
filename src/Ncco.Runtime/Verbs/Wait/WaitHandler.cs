using Ncco.Interpreter;
using Ncco.Model.Actions;

namespace Ncco.Handlers;

/// <summary><c>wait</c>: pauses for <c>timeout</c> seconds (clamped to 0.1–7200).</summary>
public sealed class WaitHandler : IActionHandler
{
    /// <inheritdoc />
    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var wait = (WaitAction)context.Action;
        var seconds = Math.Clamp(wait.Timeout, 0.1, 7200);
        await context.Scheduler.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
        return ActionOutcome.Next;
    }
}
