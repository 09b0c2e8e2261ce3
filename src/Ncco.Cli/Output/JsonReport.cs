using System.Text.Json;

namespace Ncco.Cli.Output;

/// <summary>
/// Machine-readable output: <c>{ "valid": bool, "errorCount": n, "files": [ { "file", "valid", "errors": [ { "pointer", "code", "message" } ] } ] }</c>.
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
            writer.WriteBoolean("valid", results.All(r => r.Errors.Count == 0));
            writer.WriteNumber("errorCount", results.Sum(r => r.Errors.Count));
            writer.WriteStartArray("files");
            foreach (var result in results)
            {
                writer.WriteStartObject();
                writer.WriteString("file", result.File);
                writer.WriteBoolean("valid", result.Errors.Count == 0);
                writer.WriteStartArray("errors");
                foreach (var error in result.Errors)
                {
                    writer.WriteStartObject();
                    writer.WriteString("pointer", error.Pointer);
                    writer.WriteString("code", error.Code);
                    writer.WriteString("message", error.Message);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
