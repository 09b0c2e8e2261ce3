using Ncco.Model;

namespace Ncco.Interpreter;

/// <summary>
/// Runs one kind of NCCO action on a leg. Register it in a <see cref="HandlerRegistry"/> under its action name to
/// replace a built-in handler or to add a custom action. A blocking handler completes its task when the action is
/// over; a background one starts work that belongs to the leg and returns <see cref="ActionOutcome.Next"/> at once.
/// </summary>
public interface IActionHandler
{
    /// <summary>Executes the action. Cancellation means the leg ended or its NCCO was replaced.</summary>
    Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken);
}

/// <summary>What the interpreter does after an action.</summary>
public sealed class ActionOutcome
{
    private ActionOutcome(ActionOutcomeKind kind, NccoDocument? replacement)
    {
        Kind = kind;
        Replacement = replacement;
    }

    /// <summary>The kind of outcome.</summary>
    public ActionOutcomeKind Kind { get; }

    /// <summary>The NCCO that replaces the rest of the current one, for <see cref="ActionOutcomeKind.Replace"/>.</summary>
    public NccoDocument? Replacement { get; }

    /// <summary>Go on with the next action.</summary>
    public static ActionOutcome Next { get; } = new(ActionOutcomeKind.Next, null);

    /// <summary>Stop interpreting but keep the leg up (e.g. after <c>transfer</c>; the target conversation governs).</summary>
    public static ActionOutcome Park { get; } = new(ActionOutcomeKind.Park, null);

    /// <summary>Discard the rest of the NCCO and run <paramref name="ncco"/>.</summary>
    public static ActionOutcome Replace(NccoDocument ncco) => new(ActionOutcomeKind.Replace, ncco ?? throw new ArgumentNullException(nameof(ncco)));
}

/// <summary>See <see cref="ActionOutcome"/>.</summary>
public enum ActionOutcomeKind
{
    /// <summary>Next action.</summary>
    Next,
    /// <summary>Replace the NCCO.</summary>
    Replace,
    /// <summary>Stop interpreting, keep the leg.</summary>
    Park,
}

/// <summary>Why an interpreter run stopped.</summary>
public enum InterpreterExit
{
    /// <summary>The last action finished: the platform hangs up the leg.</summary>
    Exhausted,
    /// <summary>An action parked the leg.</summary>
    Parked,
    /// <summary>Cancelled (leg ended or NCCO replaced from outside).</summary>
    Cancelled,
}
