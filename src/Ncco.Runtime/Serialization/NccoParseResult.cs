using Ncco.Model;
using Ncco.Validation;

namespace Ncco.Serialization;

/// <summary>The outcome of parsing NCCO JSON: a document, or every error found.</summary>
/// <param name="Document">The typed NCCO when valid.</param>
/// <param name="Errors">Every error; empty when valid.</param>
public sealed record NccoParseResult(NccoDocument? Document, IReadOnlyList<NccoError> Errors)
{
    /// <summary>
    /// Findings that did not stop the NCCO (unknown properties, ignored; see <see cref="NccoValidationOptions.Strict"/>),
    /// each with its pointer and, for a near miss, the known name.
    /// </summary>
    public IReadOnlyList<NccoError> Warnings { get; init; } = [];

    /// <summary>True when the JSON is a valid NCCO.</summary>
    public bool IsValid => Document is not null;

    /// <summary>The document, or a <see cref="NccoValidationException"/> listing every error.</summary>
    public NccoDocument GetDocumentOrThrow() => Document ?? throw new NccoValidationException(Errors);
}
