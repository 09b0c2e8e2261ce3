using System.Text.Json;
using Ncco.Model;
using Ncco.Validation;

namespace Ncco.Serialization;

/// <summary>
/// Parses NCCO JSON into a typed <see cref="NccoDocument"/>, validating first so every error is reported. Unknown
/// properties are <see cref="NccoParseResult.Warnings"/> and ignored, unless <see cref="NccoValidationOptions.Strict"/>.
/// </summary>
public static class NccoParser
{
    /// <summary>Parses and validates NCCO JSON text.</summary>
    public static NccoParseResult Parse(string json, NccoValidationOptions? options = null)
    {
        try
        {
            using var input = NccoJsonInput.Parse(json);
            return Parse(input.Root, input.WellFormed, options);
        }
        catch (JsonException e)
        {
            return new(null, [NccoValidator.InvalidJson(e)]);
        }
    }

    /// <summary>Parses and validates NCCO JSON bytes (UTF-8), as received from a webhook.</summary>
    public static NccoParseResult Parse(ReadOnlyMemory<byte> utf8Json, NccoValidationOptions? options = null)
    {
        try
        {
            using var input = NccoJsonInput.Parse(utf8Json);
            return Parse(input.Root, input.WellFormed, options);
        }
        catch (JsonException e)
        {
            return new(null, [NccoValidator.InvalidJson(e)]);
        }
    }

    /// <summary>Parses and validates an NCCO already read as JSON. The element may be disposed afterwards.</summary>
    public static NccoParseResult Parse(JsonElement ncco, NccoValidationOptions? options = null) => Parse(ncco, wellFormed: false, options);

    private static NccoParseResult Parse(JsonElement ncco, bool wellFormed, NccoValidationOptions? options)
    {
        var findings = new List<NccoError>();
        NccoValidator.ValidateDocument(ncco, wellFormed, options ?? NccoValidationOptions.Default, findings);
        if (findings.Count == 0) return new(NccoReader.ReadDocument(ncco), []);
        var errors = findings.FindAll(f => f.Severity == NccoSeverity.Error);
        var warnings = findings.FindAll(f => f.Severity == NccoSeverity.Warning);
        // Warnings (unknown properties) do not stop binding: the reader reads known names only, so they are ignored.
        return errors.Count > 0 ? new(null, errors) { Warnings = warnings } : new(NccoReader.ReadDocument(ncco), []) { Warnings = warnings };
    }
}
