using System.Text.Json;
using Ncco.Model;
using Ncco.Validation;

namespace Ncco.Serialization;

/// <summary>Parses NCCO JSON into a typed <see cref="NccoDocument"/>, validating first so every error is reported.</summary>
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
        var errors = new List<NccoError>();
        NccoValidator.ValidateDocument(ncco, wellFormed, options ?? NccoValidationOptions.Default, errors);
        if (errors.Count > 0) return new(null, errors);
        return new(NccoReader.ReadDocument(ncco), []);
    }
}
