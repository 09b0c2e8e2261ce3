using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Validation;

namespace Ncco;

/// <summary>
/// Builds an NCCO fluently: one method per verb, named as on the wire (<see cref="Talk"/>, <see cref="Input"/>, …),
/// each verb's part in its own folder (<c>Verbs/Talk/NccoBuilder.Talk.cs</c>). What a verb requires is positional;
/// every option is a named parameter with the platform's default, so what you leave out is what Vonage would assume.
/// A parameter is named after the action record's property it sets, in .NET casing (<c>timeout</c>, never
/// <c>timeOut</c>); the wire spelling stays on the wire. A nested wire object is passed as its settings record
/// (<c>dtmf: new() { MaxDigits = 1 }</c>). Anything else goes through <see cref="Add"/> with an action record.
/// <code>
/// app.MapGet("/webhooks/answer", () => NccoBuilder.Create()
///     .Talk("Welcome to Acme. Press 1 for sales, 2 for support.", bargeIn: true)
///     .Input(InputTypes.Dtmf, "https://example.com/webhooks/menu", dtmf: new() { MaxDigits = 1 })
///     .Build());
/// </code>
/// <see cref="Build"/> validates the result and throws <see cref="NccoValidationException"/> listing every problem;
/// the analyzers report the same problems at the argument as you type.
/// </summary>
public sealed partial class NccoBuilder
{
    private readonly List<NccoAction> _actions = [];

    private NccoBuilder()
    {
    }

    /// <summary>Starts an empty NCCO.</summary>
    public static NccoBuilder Create() => new();

    /// <summary>Adds any action: an action record (for options the verb methods leave out, or built with <c>with</c>) or a custom action.</summary>
    public NccoBuilder Add(NccoAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        _actions.Add(action);
        return this;
    }

    /// <summary>
    /// Validates and returns the NCCO; throws <see cref="NccoValidationException"/> listing every problem. Custom
    /// actions added to this builder are accepted by name; <paramref name="options"/> adds to that.
    /// </summary>
    /// <remarks>
    /// Unlike the run time, Build also rejects an unknown property (a <see cref="NccoSeverity.Warning"/> of the validator):
    /// the builder writes only properties it knows, so one can come only from a hand-made value in code, which is a
    /// mistake to fix before the NCCO is served, not a legacy answer to tolerate.
    /// </remarks>
    public NccoDocument Build(NccoValidationOptions? options = null)
    {
        var document = new NccoDocument(_actions);
        var errors = NccoValidator.Validate(document, WithCustomActions(options));
        return errors.Count == 0 ? document : throw new NccoValidationException(errors);
    }

    private NccoValidationOptions? WithCustomActions(NccoValidationOptions? options)
    {
        HashSet<string>? names = null;
        foreach (var action in _actions)
        {
            if (action is CustomAction custom) (names ??= new HashSet<string>(StringComparer.Ordinal)).Add(custom.ActionName);
        }
        if (names is null) return options;
        var given = options ?? NccoValidationOptions.Default;
        names.UnionWith(given.CustomActions);
        return given with { CustomActions = names };
    }

    private static Uri ToUri(string url, string parameter) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"\"{url}\" is not an absolute URL.", parameter);

    private static Uri? ToUriOrNull(string? url, string parameter) => url is null ? null : ToUri(url, parameter);

    private static EquatableList<string>? ToListOrNull(IEnumerable<string>? items) => items is null ? null : new EquatableList<string>(items);
}
