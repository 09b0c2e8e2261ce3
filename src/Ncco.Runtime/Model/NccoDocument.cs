using System.Text.Json.Serialization;
using Ncco.Model.Actions;
using Ncco.Serialization;
using Ncco.Validation;

namespace Ncco.Model;

/// <summary>
/// A validated, immutable NCCO: the ordered list of actions a call leg runs. Serialises to the Vonage wire
/// format (a JSON array), so an ASP.NET endpoint can return it directly.
/// </summary>
[JsonConverter(typeof(NccoDocumentJsonConverter))]
public sealed record NccoDocument
{
    /// <summary>Creates a document from actions. Use <see cref="NccoBuilder"/> for a fluent alternative.</summary>
    public NccoDocument(IEnumerable<NccoAction> actions) => Actions = new EquatableList<NccoAction>(actions);

    internal NccoDocument(EquatableList<NccoAction> actions) => Actions = actions;

    /// <summary>The actions, in execution order.</summary>
    public EquatableList<NccoAction> Actions { get; }

    /// <summary>Parses and validates NCCO JSON. Throws <see cref="NccoValidationException"/> listing every error.</summary>
    /// <param name="json">A JSON array of action objects.</param>
    /// <param name="options">Validation options (custom actions); null for the defaults.</param>
    public static NccoDocument Parse(string json, NccoValidationOptions? options = null) =>
        NccoParser.Parse(json, options).GetDocumentOrThrow();

    /// <summary>Parses and validates NCCO JSON without throwing.</summary>
    /// <param name="json">A JSON array of action objects.</param>
    /// <param name="document">The document when the JSON is a valid NCCO.</param>
    /// <param name="errors">Every error found, empty on success.</param>
    /// <param name="options">Validation options; null for the defaults.</param>
    public static bool TryParse(string json, out NccoDocument? document, out IReadOnlyList<NccoError> errors, NccoValidationOptions? options = null)
    {
        var result = NccoParser.Parse(json, options);
        document = result.Document;
        errors = result.Errors;
        return result.IsValid;
    }

    /// <summary>The wire JSON (documented spellings, defaults omitted).</summary>
    public string ToJson(bool indented = false) => NccoWriter.Write(this, indented);

    /// <inheritdoc />
    public override string ToString() => ToJson();
}
