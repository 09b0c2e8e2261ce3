namespace Ncco.Validation;

/// <summary>How much a finding of <see cref="NccoValidator"/> matters.</summary>
public enum NccoSeverity
{
    /// <summary>The NCCO is not valid: it is rejected (a wrong type, an out-of-range value, a missing property…).</summary>
    Error,

    /// <summary>
    /// The NCCO is valid and runs; the finding is reported (logged with its pointer, on the call's timeline). Only an
    /// unknown property is a warning, unless <see cref="NccoValidationOptions.Strict"/> makes it an error.
    /// </summary>
    Warning,
}
