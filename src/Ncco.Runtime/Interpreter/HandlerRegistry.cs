using Ncco.Verbs;

namespace Ncco.Interpreter;

/// <summary>Action name → handler. Starts with the built-in handlers; replace or add entries before starting calls.</summary>
public sealed class HandlerRegistry
{
    private readonly Dictionary<string, IActionHandler> _handlers = new(StringComparer.Ordinal);

    /// <summary>A registry with the built-in handler of every verb (see <c>Verbs/NccoVerbs.cs</c>).</summary>
    public static HandlerRegistry CreateDefault()
    {
        var r = new HandlerRegistry();
        foreach (var verb in NccoVerbs.BuiltIn) r.Register(verb.Name, verb.CreateHandler());
        return r;
    }

    /// <summary>Registers (or replaces) the handler for <paramref name="actionName"/>.</summary>
    public HandlerRegistry Register(string actionName, IActionHandler handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(actionName);
        _handlers[actionName] = handler ?? throw new ArgumentNullException(nameof(handler));
        return this;
    }

    /// <summary>Registers a handler written as a delegate.</summary>
    public HandlerRegistry Register(string actionName, Func<ActionContext, CancellationToken, Task<ActionOutcome>> handler) =>
        Register(actionName, new DelegateHandler(handler));

    /// <summary>The handler for <paramref name="actionName"/>, or null.</summary>
    public IActionHandler? Find(string actionName) => _handlers.GetValueOrDefault(actionName);

    /// <summary>Registered action names.</summary>
    public IEnumerable<string> RegisteredActions => _handlers.Keys;

    private sealed class DelegateHandler(Func<ActionContext, CancellationToken, Task<ActionOutcome>> handler) : IActionHandler
    {
        public Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken) => handler(context, cancellationToken);
    }
}
