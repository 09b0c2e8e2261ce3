using System.Text.Json;
using Json.Schema;
using Ncco.Schema;
using Ncco.Validation;

namespace Ncco.Cli.Commands;

/// <summary>
/// <c>ncco validate --schema</c>: NCCO documents checked against the NCCO JSON Schema (the one <c>ncco schema</c>
/// prints, generated from the same rule table as the validator) by JsonSchema.Net, a standard JSON Schema 2020-12
/// implementation, for users who want a standard-schema answer. Each failing keyword is one error at its instance
/// pointer, code <c>schema:&lt;keyword&gt;</c>. The schema cannot express every rule (its limits are listed in the schema's
/// description), so Ncco's own validation remains the default.
/// </summary>
public sealed class SchemaCheck
{
    private readonly JsonSchema _schema = JsonSchema.FromText(NccoJsonSchema.Generate(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    /// <summary>The schema's errors for one document (an <see cref="NccoErrorCodes.InvalidJson"/> error when it is not JSON).</summary>
    public IReadOnlyList<NccoError> Validate(ReadOnlyMemory<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json);
        }
        catch (JsonException e)
        {
            return [new NccoError(string.Empty, NccoErrorCodes.InvalidJson, "not valid JSON: " + e.Message)];
        }
        using (document)
        {
            EvaluationResults result;
            try
            {
                result = _schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            }
            catch (InvalidOperationException e)
            {
                // System.Text.Json parses "\ud800" but cannot turn it into a string: the text is not valid Unicode.
                return [new NccoError(string.Empty, NccoErrorCodes.InvalidJson, "a string cannot be read: " + e.Message)];
            }
            if (result.IsValid) return [];
            var errors = new List<NccoError>();
            foreach (var detail in result.Details ?? [])
            {
                foreach (var (keyword, message) in detail.Errors ?? new Dictionary<string, string>())
                {
                    var error = new NccoError(detail.InstanceLocation.ToString(), "schema:" + keyword, message);
                    if (!errors.Contains(error)) errors.Add(error);
                }
            }
            return errors.Count > 0 ? errors : [new NccoError(string.Empty, "schema", "does not match the NCCO schema")];
        }
    }
}
