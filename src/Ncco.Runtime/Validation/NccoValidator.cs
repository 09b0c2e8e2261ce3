using System.Text.Json;
using Ncco.Model;
using Ncco.Rules;
using Ncco.Serialization;

namespace Ncco.Validation;

/// <summary>
/// Checks an NCCO against every rule of the NCCO rule table and reports all errors at once, each with a JSON pointer,
/// a stable code (<see cref="NccoErrorCodes"/>) and a reason. Accepts JSON text, UTF-8 bytes, a <see cref="JsonElement"/>
/// or a typed <see cref="NccoDocument"/>. Malformed text (invalid UTF-8, an unpaired surrogate) is an
/// <see cref="NccoErrorCodes.Encoding"/> error at the string that holds it, never an exception. An unknown property is
/// reported with <see cref="NccoSeverity.Warning"/> unless <see cref="NccoValidationOptions.Strict"/> is set; every other
/// finding is an error.
/// </summary>
/// <remarks>
/// The rules are interpreted by the checker the analyzers share (<c>src/Shared/NccoRules</c>), here over System.Text.Json
/// elements through <see cref="JsonTree"/>, so the IDE and the runtime never disagree.
/// </remarks>
public static class NccoValidator
{
    /// <summary>Validates NCCO JSON text.</summary>
    public static IReadOnlyList<NccoError> Validate(string json, NccoValidationOptions? options = null)
    {
        try
        {
            using var input = NccoJsonInput.Parse(json);
            return Validate(input, options);
        }
        catch (JsonException e)
        {
            return [InvalidJson(e)];
        }
    }

    /// <summary>Validates NCCO JSON bytes (UTF-8), as received from a webhook.</summary>
    public static IReadOnlyList<NccoError> Validate(ReadOnlyMemory<byte> utf8Json, NccoValidationOptions? options = null)
    {
        try
        {
            using var input = NccoJsonInput.Parse(utf8Json);
            return Validate(input, options);
        }
        catch (JsonException e)
        {
            return [InvalidJson(e)];
        }
    }

    /// <summary>Validates a parsed NCCO.</summary>
    public static IReadOnlyList<NccoError> Validate(JsonElement ncco, NccoValidationOptions? options = null)
    {
        var errors = new List<NccoError>();
        ValidateDocument(ncco, wellFormed: false, options ?? NccoValidationOptions.Default, errors);
        return errors;
    }

    /// <summary>
    /// Validates a typed NCCO, for example one built in code, by checking the JSON it would send. Every rule applies
    /// (ranges, URL schemes, cross-field rules), so builder mistakes surface before a call does.
    /// </summary>
    public static IReadOnlyList<NccoError> Validate(NccoDocument ncco, NccoValidationOptions? options = null) =>
        Validate(NccoWriter.WriteUtf8(ncco), options);

    private static List<NccoError> Validate(NccoJsonInput input, NccoValidationOptions? options)
    {
        var errors = new List<NccoError>();
        ValidateDocument(input.Root, input.WellFormed, options ?? NccoValidationOptions.Default, errors);
        return errors;
    }

    internal static NccoError InvalidJson(JsonException e) =>
        new(string.Empty, ErrorCodes.InvalidJson,
            e.LineNumber is { } line
                ? $"not valid JSON (line {line + 1}, column {e.BytePositionInLine + 1}): {FirstSentence(e.Message)}"
                : "not valid JSON: " + FirstSentence(e.Message));

    /// <param name="ncco">The document's root.</param>
    /// <param name="wellFormed">Every string of the document is known to be valid Unicode (see <see cref="NccoJsonInput.WellFormed"/>).</param>
    /// <param name="options">The options.</param>
    /// <param name="errors">Where errors go.</param>
    internal static void ValidateDocument(JsonElement ncco, bool wellFormed, NccoValidationOptions options, List<NccoError> errors)
    {
        var checker = new NccoRuleChecker<JsonTree, JsonElement, JsonMember, JsonCursor>(new JsonTree(errors, options.CustomActions, wellFormed, options.Strict), partial: false);
        checker.CheckDocument(ncco);
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }
}
