using System.Text.Json;
using Ncco.Serialization;
using Ncco.Validation;

namespace Ncco.Runtime.Tests.Equivalence;

/// <summary>
/// The entry points of one NCCO parser implementation, so the golden cases can be recorded from any of them: the
/// committed snapshot was recorded from the pre-single-pass reader (the <see cref="JsonDocument"/> path, since deleted),
/// and the tests replay the cases through <see cref="Current"/>.
/// </summary>
internal sealed record ParserPaths(
    Func<byte[], NccoValidationOptions?, IEnumerable<NccoError>> ValidateBytes,
    Func<byte[], NccoValidationOptions?, NccoParseResult> ParseBytes,
    Func<string, NccoValidationOptions?, NccoParseResult> ParseText,
    Func<JsonElement, NccoParseResult> ParseElement,
    Func<JsonElement, IEnumerable<NccoError>> StrictElementErrors)
{
    /// <summary>The single-pass path under test.</summary>
    public static ParserPaths Current { get; } = new(
        (bytes, options) => NccoValidator.Validate(bytes, options),
        (bytes, options) => NccoParser.Parse(bytes, options),
        (text, options) => NccoParser.Parse(text, options),
        element => NccoParser.Parse(element),
        element => NccoValidator.Validate(element, new NccoValidationOptions { Strict = true }).Where(e => e.Severity == NccoSeverity.Error));
}
