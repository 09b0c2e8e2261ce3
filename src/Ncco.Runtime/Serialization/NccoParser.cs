using System.Text.Json;
using Ncco.Model;
using Ncco.Validation;

namespace Ncco.Serialization;

/// <summary>Parses NCCO JSON into a typed <see cref="NccoDocument"/>, validating first so every error is reported.</summary>
public static class NccoParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    /// <summary>Parses and validates NCCO JSON text.</summary>
    public static NccoParseResult Parse(string json, NccoValidationOptions? options = null)
    {
        try
        {
            using var document = JsonDocument.Parse(json, DocumentOptions);
            return Parse(document.RootElement, options);
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
            using var document = JsonDocument.Parse(utf8Json, DocumentOptions);
            return Parse(document.RootElement, options);
        }
        catch (JsonException e)
        {
            return new(null, [NccoValidator.InvalidJson(e)]);
        }
    }

    /// <summary>Parses and validates an NCCO already read as JSON. The element may be disposed afterwards.</summary>
    public static NccoParseResult Parse(JsonElement ncco, NccoValidationOptions? options = null)
    {
        var errors = new List<NccoError>();
        NccoValidator.ValidateDocument(ncco, options ?? NccoValidationOptions.Default, errors);
        if (errors.Count > 0) return new(null, errors);
        return new(NccoReader.ReadDocument(ncco), []);
    }
}
