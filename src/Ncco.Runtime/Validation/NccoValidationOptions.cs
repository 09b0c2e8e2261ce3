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
}
