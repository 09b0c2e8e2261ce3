using System.Buffers;
using System.Text.Json;
using Ncco.Host.Errors;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Serialization;
using Ncco.Validation;

namespace Ncco.Host.Rest;

/// <summary>
/// Checks REST request fields with the NCCO rule table by wrapping them in the NCCO action that has the same fields
/// (a call's <c>to</c> is a <c>connect</c> endpoint, a talk body is a <c>talk</c> action…), so the REST API and NCCOs
/// accept exactly the same values and give the same reasons. Error pointers are mapped back to REST field names.
/// </summary>
internal static class WrappedActionCheck
{
    /// <summary>One REST field copied into the wrapper action under an NCCO name.</summary>
    /// <param name="NccoName">The key in the action (<c>streamUrl</c>).</param>
    /// <param name="RestName">The REST field reported in errors (<c>stream_url</c>).</param>
    /// <param name="Value">The value as sent.</param>
    /// <param name="AsArrayItem">Wrap the value in a one-element array (a REST <c>to</c> element becomes <c>endpoint: [ … ]</c>).</param>
    public sealed record Field(string NccoName, string RestName, JsonElement Value, bool AsArrayItem = false);

    /// <summary>
    /// Builds <c>[{"action": <paramref name="action"/>, …fields}]</c>, validates it, and returns the parsed action, or
    /// null after adding every problem to <paramref name="errors"/>.
    /// </summary>
    public static NccoAction? Check(string action, IReadOnlyList<Field> fields, List<InvalidParameter> errors, RestNccoCheck? check = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            w.WriteStartObject();
            w.WriteString("action", action);
            foreach (var field in fields)
            {
                w.WritePropertyName(field.NccoName);
                if (field.AsArrayItem) w.WriteStartArray();
                field.Value.WriteTo(w);
                if (field.AsArrayItem) w.WriteEndArray();
            }
            w.WriteEndObject();
            w.WriteEndArray();
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        var parsed = NccoParser.Parse(document.RootElement, check?.Validation);
        if (check is not null)
        {
            foreach (var warning in parsed.Warnings) check.AddWarning(RestName(warning.Pointer, fields), warning);
        }
        if (parsed.Document is { } ncco) return ncco.Actions[0];
        foreach (var problem in parsed.Errors) errors.Add(new InvalidParameter(RestName(problem.Pointer, fields), problem.Message));
        return null;
    }

    /// <summary>Maps <c>/0/endpoint/0/uri</c> to <c>to[0].uri</c>, <c>/0/text</c> to <c>text</c>.</summary>
    private static string RestName(string pointer, IReadOnlyList<Field> fields)
    {
        var segments = PointerPath.Segments(pointer);
        if (segments.Count < 2) return fields.Count == 1 ? fields[0].RestName : "body";
        var field = fields.FirstOrDefault(f => f.NccoName == segments[1]);
        var arrayItem = field?.AsArrayItem == true;
        return (field?.RestName ?? segments[1]) + (arrayItem ? "[0]" : "") + PointerPath.Suffix(segments.Skip(arrayItem ? 3 : 2));
    }
}
