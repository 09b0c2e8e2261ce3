using Ncco.Validation;

namespace Ncco.Cli.Output;

/// <summary>The validation outcome of one input file.</summary>
/// <param name="File">The path as given, or <c>&lt;stdin&gt;</c>.</param>
/// <param name="Findings">Every error and warning, in document order; empty when the file is clean.</param>
public sealed record FileResult(string File, IReadOnlyList<NccoError> Findings)
{
    /// <summary>The findings that make the file invalid.</summary>
    public IReadOnlyList<NccoError> Errors { get; } = [.. Findings.Where(f => f.Severity == NccoSeverity.Error)];

    /// <summary>
    /// The findings that do not (an unknown property, which Vonage and the host ignore at run time unless
    /// <c>Ncco:Validation:Strict</c> is set).
    /// </summary>
    public IReadOnlyList<NccoError> Warnings { get; } = [.. Findings.Where(f => f.Severity == NccoSeverity.Warning)];

    /// <summary>True when the file has no error (warnings allowed).</summary>
    public bool IsValid => Errors.Count == 0;
}
