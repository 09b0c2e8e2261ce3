namespace Ncco.Validation;

/// <summary>Options of <see cref="NccoValidator"/>.</summary>
public sealed record NccoValidationOptions
{
    /// <summary>The defaults: only the platform's actions are known.</summary>
    public static NccoValidationOptions Default { get; } = new();

    /// <summary>
    /// Names of custom actions (registered with the interpreter) to accept. Their properties are not checked;
    /// the handler owns them.
    /// </summary>
    public IReadOnlySet<string> CustomActions { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Whether a property the rule table does not define rejects the NCCO. False (the default): it is a
    /// <see cref="NccoSeverity.Warning"/> — Vonage's published NCCO schema does not forbid extra properties and the
    /// platform runs NCCOs that carry deprecated ones (<c>voice_name</c>), so the parser ignores the property, binds the
    /// rest and the VM reports the warning (pointer and, for a near miss, the known name) on the call's timeline. A
    /// near miss is never read as the property it resembles (<c>bargein</c> does not turn barge-in on): that would be a
    /// guess. True: an unknown property is an <see cref="NccoSeverity.Error"/> as before (the host's
    /// <c>Ncco:Validation:Strict</c>). Wrong types and out-of-range values are errors either way.
    /// </summary>
    public bool Strict { get; init; }
}
