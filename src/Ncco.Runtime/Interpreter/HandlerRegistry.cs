using Ncco.Handlers;
using Ncco.Model.Actions;

namespace Ncco.Interpreter;

/// <summary>Action name → handler. Starts with the built-in handlers; replace or add entries before starting calls.</summary>
public sealed class HandlerRegistry
{
    private readonly Dictionary<string, IActionHandler> _handlers = new(StringComparer.Ordinal);

    /// <summary>A registry with the nine built-in handlers.</summary>
    public static HandlerRegistry CreateDefault()
    {
        var r = new HandlerRegistry();
        r.Register(ActionNames.Talk, new TalkHandler());
        r.Register(ActionNames.Stream, new StreamHandler());
        r.Register(ActionNames.Input, new InputHandler());
        r.Register(ActionNames.Record, new RecordHandler());
        r.Register(ActionNames.Conversation, new ConversationHandler());
        r.Register(ActionNames.Connect, new ConnectHandler());
        r.Register(ActionNames.Notify, new NotifyHandler());
        r.Register(ActionNames.Wait, new WaitHandler());
        r.Register(ActionNames.Transfer, new TransferHandler());
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
