namespace Ncco.Validation;

/// <summary>Thrown when an NCCO is invalid; carries every error, not just the first.</summary>
public sealed class NccoValidationException : Exception
{
    /// <summary>Creates the exception from the errors found.</summary>
    public NccoValidationException(IReadOnlyList<NccoError> errors)
        : base(Describe(errors)) => Errors = errors;

    /// <summary>Every error found.</summary>
    public IReadOnlyList<NccoError> Errors { get; }

    private static string Describe(IReadOnlyList<NccoError> errors) =>
        errors.Count == 1
            ? "Invalid NCCO: " + errors[0]
            : $"Invalid NCCO ({errors.Count} errors):" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e));
}
