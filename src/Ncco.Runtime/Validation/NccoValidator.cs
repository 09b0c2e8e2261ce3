using System.Runtime.InteropServices;
using System.Text.Json;
using Ncco.Model;
using Ncco.Rules;
using Ncco.Serialization;
using Ncco.Validation.Tokens;

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
/// The rules are interpreted by the checker the analyzers share (<c>src/Shared/NccoRules</c>), here over the tokens of one
/// pass over the UTF-8 bytes (<see cref="NccoTokens"/>, through <see cref="TokenTree"/>), so the IDE and the runtime
/// never disagree.
/// </remarks>
public static class NccoValidator
{
    /// <summary>Validates NCCO JSON text.</summary>
    public static IReadOnlyList<NccoError> Validate(string json, NccoValidationOptions? options = null)
    {
        try
        {
            using var tokens = NccoTokens.Read(json);
            return Check(tokens, options ?? NccoValidationOptions.Default);
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
            using var tokens = NccoTokens.Read(utf8Json);
            return Check(tokens, options ?? NccoValidationOptions.Default);
        }
        catch (JsonException e)
        {
            return [InvalidJson(e)];
        }
    }

    /// <summary>Validates a parsed NCCO (checked over its raw UTF-8 text, as received).</summary>
    public static IReadOnlyList<NccoError> Validate(JsonElement ncco, NccoValidationOptions? options = null)
    {
        using var tokens = NccoTokens.ReadCopy(JsonMarshal.GetRawUtf8Value(ncco));
        return Check(tokens, options ?? NccoValidationOptions.Default);
    }

    /// <summary>
    /// Validates a typed NCCO, for example one built in code, by checking the JSON it would send. Every rule applies
    /// (ranges, URL schemes, cross-field rules), so builder mistakes surface before a call does.
    /// </summary>
    public static IReadOnlyList<NccoError> Validate(NccoDocument ncco, NccoValidationOptions? options = null) =>
        Validate(NccoWriter.WriteUtf8(ncco), options);

    internal static NccoError InvalidJson(JsonException e) =>
        new(string.Empty, ErrorCodes.InvalidJson,
            e.LineNumber is { } line
                ? $"not valid JSON (line {line + 1}, column {e.BytePositionInLine + 1}): {FirstSentence(e.Message)}"
                : "not valid JSON: " + FirstSentence(e.Message));

    /// <summary>Runs the shared rule checker over the tokens; the findings are the document's (<see cref="NccoTokens.Findings"/>).</summary>
    internal static IReadOnlyList<NccoError> Check(NccoTokens tokens, NccoValidationOptions options)
    {
        new NccoRuleChecker<TokenTree, int, int, TokenCursor>(tokens.Tree(options), partial: false).CheckDocument(0);
        return tokens.Findings ?? (IReadOnlyList<NccoError>)[];
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }
}
