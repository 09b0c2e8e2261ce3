using System.Text.Json;

namespace Ncco.Cli.Output;

/// <summary>
/// Machine-readable output: <c>{ "valid": bool, "errorCount": n, "warningCount": n, "files": [ { "file", "valid",
/// "errors": [ { "pointer", "code", "message" } ], "warnings": [ … ] } ] }</c>. Warnings do not make a file invalid.
/// </summary>
public static class JsonReport
{
    /// <summary>Writes the report.</summary>
    public static void Write(IReadOnlyList<FileResult> results, TextWriter output)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("valid", results.All(r => r.IsValid));
            writer.WriteNumber("errorCount", results.Sum(r => r.Errors.Count));
            writer.WriteNumber("warningCount", results.Sum(r => r.Warnings.Count));
            writer.WriteStartArray("files");
            foreach (var result in results)
            {
                writer.WriteStartObject();
                writer.WriteString("file", result.File);
                writer.WriteBoolean("valid", result.IsValid);
                WriteFindings(writer, "errors", result.Errors);
                WriteFindings(writer, "warnings", result.Warnings);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteFindings(Utf8JsonWriter writer, string name, IReadOnlyList<Validation.NccoError> findings)
    {
        writer.WriteStartArray(name);
        foreach (var finding in findings)
        {
            writer.WriteStartObject();
            writer.WriteString("pointer", finding.Pointer);
            writer.WriteString("code", finding.Code);
            writer.WriteString("message", finding.Message);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }
}
