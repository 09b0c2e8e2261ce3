using System.Text.Json;
using Ncco.Rules;
using Ncco.Serialization;
using Ncco.Validation;

namespace Ncco.Runtime.Tests.Equivalence.OldPath;

/// <summary>
/// The parse + validate path before issue 19, kept only as the oracle of <c>SinglePassEquivalenceTests</c>: a
/// <see cref="JsonDocument"/>, a whole-input Unicode check, the shared rule checker over System.Text.Json elements
/// (<see cref="JsonTree"/>), then a second walk that binds the model (<see cref="NccoReader"/>). The files of this folder
/// are the runtime's files of commit bc3ddb4, namespace changed, so the test compares with what really shipped.
/// </summary>
internal static class NccoParser
{
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

    public static NccoParseResult Parse(JsonElement ncco, NccoValidationOptions? options = null) => Parse(ncco, wellFormed: false, options);

    /// <summary>The validator's findings alone (errors and warnings), as <c>NccoValidator.Validate</c> returned them.</summary>
    public static List<NccoError> Validate(ReadOnlyMemory<byte> utf8Json, NccoValidationOptions? options = null)
    {
        try
        {
            using var input = NccoJsonInput.Parse(utf8Json);
            var findings = new List<NccoError>();
            ValidateDocument(input.Root, input.WellFormed, options ?? NccoValidationOptions.Default, findings);
            return findings;
        }
        catch (JsonException e)
        {
            return [NccoValidator.InvalidJson(e)];
        }
    }

    private static NccoParseResult Parse(JsonElement ncco, bool wellFormed, NccoValidationOptions? options)
    {
        var findings = new List<NccoError>();
        ValidateDocument(ncco, wellFormed, options ?? NccoValidationOptions.Default, findings);
        if (findings.Count == 0) return new(NccoReader.ReadDocument(ncco), []);
        var errors = findings.FindAll(f => f.Severity == NccoSeverity.Error);
        var warnings = findings.FindAll(f => f.Severity == NccoSeverity.Warning);
        return errors.Count > 0 ? new(null, errors) { Warnings = warnings } : new(NccoReader.ReadDocument(ncco), []) { Warnings = warnings };
    }

    private static void ValidateDocument(JsonElement ncco, bool wellFormed, NccoValidationOptions options, List<NccoError> errors)
    {
        var checker = new NccoRuleChecker<JsonTree, JsonElement, JsonMember, JsonCursor>(new JsonTree(errors, options.CustomActions, wellFormed, options.Strict), partial: false);
        checker.CheckDocument(ncco);
    }
}
