using System.Runtime.InteropServices;
using System.Text.Json;
using Ncco.Model;
using Ncco.Validation;
using Ncco.Validation.Tokens;

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
            using var tokens = NccoTokens.Read(json);
            return Parse(tokens, options);
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
            using var tokens = NccoTokens.Read(utf8Json);
            return Parse(tokens, options);
        }
        catch (JsonException e)
        {
            return new(null, [NccoValidator.InvalidJson(e)]);
        }
    }

    /// <summary>Parses and validates an NCCO already read as JSON (from its raw UTF-8 text). The element may be disposed afterwards.</summary>
    public static NccoParseResult Parse(JsonElement ncco, NccoValidationOptions? options = null)
    {
        using var tokens = NccoTokens.ReadCopy(JsonMarshal.GetRawUtf8Value(ncco));
        return Parse(tokens, options);
    }

    /// <summary>
    /// Checks and binds the tokens of one pass over the input: the checker decodes the strings its rules read, and the
    /// reader binds those same strings (and URLs) rather than decoding them again.
    /// </summary>
    private static NccoParseResult Parse(NccoTokens tokens, NccoValidationOptions? options)
    {
        NccoValidator.Check(tokens, options ?? NccoValidationOptions.Default);
        if (tokens.Findings is not { } findings) return new(NccoReader.ReadDocument(new NccoNode(tokens, 0)), []);
        var warnings = findings.FindAll(f => f.Severity == NccoSeverity.Warning);
        if (tokens.HasErrors) return new(null, findings.FindAll(f => f.Severity == NccoSeverity.Error)) { Warnings = warnings };
        // Warnings (unknown properties) do not stop binding: the reader reads known names only, so they are ignored.
        return new(NccoReader.ReadDocument(new NccoNode(tokens, 0)), []) { Warnings = warnings };
    }
}
