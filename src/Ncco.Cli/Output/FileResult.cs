using Ncco.Validation;

namespace Ncco.Cli.Output;

/// <summary>The validation outcome of one input file.</summary>
/// <param name="File">The path as given, or <c>&lt;stdin&gt;</c>.</param>
/// <param name="Errors">Every error; empty when valid.</param>
public sealed record FileResult(string File, IReadOnlyList<NccoError> Errors);
