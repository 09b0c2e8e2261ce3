using System.Text.Json;
using Ncco.Model.Actions;
using Ncco.Validation;
using Ncco.Verbs;

namespace Ncco.Interpreter;

/// <summary>
/// Action name → handler. Starts with the built-in handlers; replace one, or add a custom action, before starting
/// calls. A VM accepts every custom action registered here in the NCCOs it fetches (no separate validation option is
/// needed), so registering the handler is the whole VM side of a custom action — see <c>Verbs/README.md</c>.
/// </summary>
public sealed class HandlerRegistry
{
    private readonly Dictionary<string, IActionHandler> _handlers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _custom = new(StringComparer.Ordinal);

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
        if (!NccoVerbs.IsBuiltIn(actionName)) _custom.Add(actionName);
        return this;
    }

    /// <summary>Registers a handler written as a delegate.</summary>
    public HandlerRegistry Register(string actionName, Func<ActionContext, CancellationToken, Task<ActionOutcome>> handler) =>
        Register(actionName, new DelegateHandler(handler));

    /// <summary>
    /// Registers a custom action whose properties are read as <typeparamref name="TProperties"/> (see
    /// <see cref="CustomAction.Read{TProperties}"/>: camelCase JSON names, numbers may be strings). When the JSON
    /// does not fit the type, the action is skipped with an error event naming the action and the reason, and the
    /// NCCO goes on.
    /// </summary>
    /// <example>
    /// <code>
    /// record Beep(int Times);
    /// handlers.Register&lt;Beep&gt;("beep", async (beep, context, ct) =&gt;
    /// {
    ///     for (var i = 0; i &lt; beep.Times; i++) await context.Leg.PlayAsync(context.Leg.NewPlayback(PlaybackKind.Beep), ct);
    ///     return ActionOutcome.Next;
    /// });
    /// </code>
    /// </example>
    /// <exception cref="ArgumentException"><paramref name="actionName"/> is a built-in verb (replace those with an <see cref="IActionHandler"/>).</exception>
    public HandlerRegistry Register<TProperties>(string actionName, Func<TProperties, ActionContext, CancellationToken, Task<ActionOutcome>> handler)
    {
        ArgumentException.ThrowIfNullOrEmpty(actionName);
        ArgumentNullException.ThrowIfNull(handler);
        if (NccoVerbs.IsBuiltIn(actionName))
        {
            throw new ArgumentException($"\"{actionName}\" is a built-in action with its own record; replace its handler with Register(name, IActionHandler).", nameof(actionName));
        }
        return Register(actionName, new TypedCustomHandler<TProperties>(handler));
    }

    /// <summary>The handler for <paramref name="actionName"/>, or null.</summary>
    public IActionHandler? Find(string actionName) => _handlers.GetValueOrDefault(actionName);

    /// <summary>Registered action names.</summary>
    public IEnumerable<string> RegisteredActions => _handlers.Keys;

    /// <summary>The registered names that are not built-in verbs: the custom actions a VM using this registry accepts.</summary>
    public IReadOnlySet<string> CustomActions => _custom;

    /// <summary>
    /// <paramref name="options"/> (or the defaults) accepting also every custom action registered here, now or later.
    /// </summary>
    internal NccoValidationOptions AcceptRegistered(NccoValidationOptions? options)
    {
        var given = options ?? NccoValidationOptions.Default;
        return given with { CustomActions = new NameUnion(given.CustomActions, _custom) };
    }

    private sealed class DelegateHandler(Func<ActionContext, CancellationToken, Task<ActionOutcome>> handler) : IActionHandler
    {
        public Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken) => handler(context, cancellationToken);
    }

    private sealed class TypedCustomHandler<TProperties>(Func<TProperties, ActionContext, CancellationToken, Task<ActionOutcome>> handler) : IActionHandler
    {
        public Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(context);
            var custom = (CustomAction)context.Action;
            TProperties properties;
            try
            {
                properties = custom.Read<TProperties>();
            }
            catch (JsonException e)
            {
                context.ReportError($"/{context.Index}: the \"{custom.ActionName}\" action cannot be read as {typeof(TProperties).Name}: {e.Message}");
                return Task.FromResult(ActionOutcome.Next);
            }
            return handler(properties, context, cancellationToken);
        }
    }

    /// <summary>A live union of two name sets (the validator only asks <see cref="Contains"/>).</summary>
    private sealed class NameUnion(IReadOnlySet<string> first, IReadOnlySet<string> second) : IReadOnlySet<string>
    {
        public int Count => Names().Count();

        public bool Contains(string item) => first.Contains(item) || second.Contains(item);

        public IEnumerator<string> GetEnumerator() => Names().GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public bool IsProperSubsetOf(IEnumerable<string> other) => Snapshot().IsProperSubsetOf(other);

        public bool IsProperSupersetOf(IEnumerable<string> other) => Snapshot().IsProperSupersetOf(other);

        public bool IsSubsetOf(IEnumerable<string> other) => Snapshot().IsSubsetOf(other);

        public bool IsSupersetOf(IEnumerable<string> other) => Snapshot().IsSupersetOf(other);

        public bool Overlaps(IEnumerable<string> other) => other.Any(Contains);

        public bool SetEquals(IEnumerable<string> other) => Snapshot().SetEquals(other);

        private IEnumerable<string> Names() => first.Concat(second.Where(n => !first.Contains(n)));

        private HashSet<string> Snapshot() => new(Names(), StringComparer.Ordinal);
    }
}
